// libFuzzer target for the autoscale query rules: any bytes as a query must give either jobs
// within the limits or exactly one line of error, and never crash (ASan/UBSan watch the rest).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "workload/query.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  mkata::workload::AutoscaleLimits limits;
  mkata::workload::AutoscaleQuery result = mkata::workload::parse_autoscale_query(query, limits);
  if (result.ok()) {
    if (result.jobs.sleep_ms > limits.max_sleep_ms || result.jobs.prime > limits.max_prime ||
        result.jobs.bloat_mib > limits.max_bloat_mib)
      std::abort();
  } else {
    if (result.error.find('\n') != std::string::npos ||
        result.error.find('\r') != std::string::npos || result.jobs.any() ||
        result.error.size() > 400)
      std::abort();
  }
  std::string decoded = mkata::workload::percent_decode(query);
  if (decoded.size() > query.size()) std::abort();
  return 0;
}
