// autoscale: the load-test target (PRODUCT.md, Workloads). The limits come from the environment:
// AUTOSCALE_MAX_SLEEP_MS, AUTOSCALE_MAX_PRIME, AUTOSCALE_MAX_BLOAT_MIB.
#include <string>

#include "workload/autoscale.h"
#include "workload/server_main.h"

using namespace mkata::workload;

int main() {
  AutoscaleLimits limits;
  std::string error;
  // Upper bounds for the configured limits: a day of sleep, a sieve that still ends within
  // minutes, and 1 TiB.
  if (!env_number("AUTOSCALE_MAX_SLEEP_MS", 0, 86400000, limits.max_sleep_ms, limits.max_sleep_ms,
                  error) ||
      !env_number("AUTOSCALE_MAX_PRIME", 0, 1000000000000, limits.max_prime, limits.max_prime,
                  error) ||
      !env_number("AUTOSCALE_MAX_BLOAT_MIB", 0, 1048576, limits.max_bloat_mib, limits.max_bloat_mib,
                  error)) {
    return usage_error("autoscale", error);
  }
  AutoscaleHandler handler(limits);
  ServerOptions options;
  options.handle = [&handler](const HttpRequest& request) { return handler.handle(request); };
  options.blocking = [&handler](const HttpRequest& request) { return handler.blocking(request); };
  return run_workload_server("autoscale", std::move(options));
}
