// Timestamps for reports, ledgers and manifests: one format everywhere (RFC 3339, UTC, seconds).
#pragma once

#include <string>

namespace mkata {

/// The current time as "YYYY-MM-DDTHH:MM:SSZ" (UTC). Thread-safe.
std::string utc_now();

}  // namespace mkata
