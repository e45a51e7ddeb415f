// The autoscale workload's answer: run the requested jobs (bloat, prime, sleep) concurrently and
// list the finished ones in a fixed order (PRODUCT.md, autoscale). A load-test target: the memory
// is really allocated and touched, the prime is really sieved, the sleep really measured.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "workload/http_request.h"
#include "workload/http_response.h"
#include "workload/memory_guard.h"
#include "workload/query.h"

namespace mkata::workload {

/// Memory of `mib` MiB, every page written, released when the last holder lets go. Before
/// touching anything it reserves the bytes from the guard (memory_guard.h: MemAvailable, every
/// cgroup v1/v2 limit above the process, the other requests in flight), so that a bloat that does
/// not fit answers 503 instead of getting the server OOM-killed. Returns null and sets error
/// ("cannot allocate 500 MiB: only 236 MiB available (...)") when the memory is not available.
std::shared_ptr<void> allocate_touched(std::uint64_t mib, std::string& error,
                                       MemoryGuard& guard = process_memory_guard());

/// Sleeps ms milliseconds (resuming after signals) and returns the measured milliseconds.
double sleep_measured(std::uint64_t ms);

/// Runs the jobs concurrently and returns the response: 200 with the lines of the finished jobs
/// (holding the bloat memory until written), or 503 when the memory cannot be had.
HttpResponse run_autoscale_jobs(const AutoscaleJobs& jobs);

/// The whole autoscale server handler for one request (/healthz, /info and the jobs).
class AutoscaleHandler {
 public:
  explicit AutoscaleHandler(AutoscaleLimits limits) : limits_(limits) {}
  /// True when the request has jobs to run (then handle() blocks and needs its own thread).
  bool blocking(const HttpRequest& request) const;
  HttpResponse handle(const HttpRequest& request) const;

 private:
  AutoscaleLimits limits_;
};

/// The answer line of the prime job for n.
std::string prime_line(std::uint64_t n, std::uint64_t largest);

}  // namespace mkata::workload
