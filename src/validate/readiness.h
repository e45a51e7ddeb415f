// Waiting until a deployed workload is ready, the same way on every target: GET its readiness
// path until HTTP 200 or a timeout, asking the target every 250 ms whether the process already
// exited (a crash is reported at once, with its exit code, not at the timeout), and polling
// interrupted() so that Ctrl-C unwinds.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/timestamp.h"

namespace mkata::validate {

/// Polls url until it answers 200; sets ready_ms (since t0) then. exit_code() returns the
/// workload's exit code once it has exited (nullopt while running or unknown). Errors
/// (kCheckFailed unless noted):
///  - "helloworld did not become ready within 5000 ms (last: GET http://…/healthz: Connection
///    refused)";
///  - "helloworld exited with code 1 before it became ready";
///  - kInterrupted "interrupted while waiting for helloworld".
Result<void> wait_until_ready(const std::string& workload, const std::string& url,
                              std::chrono::steady_clock::time_point t0,
                              std::chrono::milliseconds timeout,
                              const std::function<std::optional<int>()>& exit_code,
                              long long& ready_ms);

}  // namespace mkata::validate
