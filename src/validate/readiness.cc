// See readiness.h.
#include "validate/readiness.h"

#include <thread>

#include "core/interrupt.h"
#include "validate/http_get.h"

namespace mkata::validate {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<Error> exited_early(const std::string& workload,
                                  const std::function<std::optional<int>()>& exit_code) {
  auto code = exit_code();
  if (!code) return std::nullopt;
  return Error(workload + " exited with code " + std::to_string(*code) + " before it became ready",
               ErrorKind::kCheckFailed);
}

}  // namespace

Result<void> wait_until_ready(const std::string& workload, const std::string& url,
                              Clock::time_point t0, milliseconds timeout,
                              const std::function<std::optional<int>()>& exit_code,
                              long long& ready_ms) {
  std::string last = "no answer yet";
  auto deadline = t0 + timeout;
  auto next_status_check = Clock::now() + milliseconds(250);
  while (true) {
    if (interrupted()) {
      return fail(Error("interrupted while waiting for " + workload, ErrorKind::kInterrupted));
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto answer = http_get(url, std::min(left, milliseconds(1000)));
    if (answer && answer->status == 200) {
      ready_ms = ms_since(t0);
      return {};
    }
    last = answer ? "GET " + url + ": HTTP " + std::to_string(answer->status)
                  : answer.error().message();
    if (Clock::now() >= next_status_check) {
      if (auto e = exited_early(workload, exit_code)) return fail(*e);
      next_status_check = Clock::now() + milliseconds(250);
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  if (auto e = exited_early(workload, exit_code)) return fail(*e);
  return fail(Error(workload + " did not become ready within " + std::to_string(timeout.count()) +
                        " ms (last: " + last + ")",
                    ErrorKind::kCheckFailed));
}

}  // namespace mkata::validate
