// Timestamps for reports, ledgers and manifests: one format everywhere (RFC 3339, UTC, seconds);
// and the one way phases are timed (milliseconds on the monotonic clock).
#pragma once

#include <chrono>
#include <string>

namespace mkata {

/// The current time as "YYYY-MM-DDTHH:MM:SSZ" (UTC). Thread-safe.
std::string utc_now();

/// Whole milliseconds since `start` on the steady clock (a phase's duration).
long long ms_since(std::chrono::steady_clock::time_point start);

}  // namespace mkata
