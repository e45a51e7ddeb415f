// autoscale's jobs. prime and bloat run on threads of their own while the request thread sleeps,
// so a request's duration is the longest job, not their sum.
#include "workload/autoscale.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>
#include <thread>

#include "workload/prime.h"
#include "workload/standard_routes.h"

namespace mkata::workload {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
// prime jobs up to this bound, alone, are answered on the event loop (see blocking()).
constexpr std::uint64_t kInlinePrimeLimit = 100000;

}  // namespace

std::shared_ptr<void> allocate_touched(std::uint64_t mib, std::string& error, MemoryGuard& guard) {
  if (mib > UINT64_MAX / kMiB) {
    error = "cannot allocate " + std::to_string(mib) + " MiB: more than the address space";
    return nullptr;
  }
  const std::uint64_t bytes = mib * kMiB;
  std::optional<MemoryReservation> reservation = guard.reserve(bytes, error);
  if (!reservation) return nullptr;
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    error = "cannot allocate " + std::to_string(mib) + " MiB: " + std::strerror(errno);
    return nullptr;
  }
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  auto* bytes_ptr = static_cast<volatile unsigned char*>(memory);
  // Writing one byte per page makes the kernel back every page with real memory. Each MiB
  // touched is now in the cgroup's usage, so it leaves the reservation (touch first, then
  // uncharge: a concurrent decision may count it twice, never not at all).
  for (std::uint64_t chunk = 0; chunk < bytes; chunk += kMiB) {
    for (std::uint64_t offset = chunk; offset < chunk + kMiB; offset += page) bytes_ptr[offset] = 1;
    reservation->charged(kMiB);
  }
  return std::shared_ptr<void>(memory, [bytes](void* p) { munmap(p, bytes); });
}

double sleep_measured(std::uint64_t ms) {
  const auto start = std::chrono::steady_clock::now();
  timespec remaining{static_cast<std::time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000};
  while (clock_nanosleep(CLOCK_MONOTONIC, 0, &remaining, &remaining) == EINTR) {
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

std::string prime_line(std::uint64_t n, std::uint64_t largest) {
  if (largest == 0) return "There are no primes smaller than " + std::to_string(n) + ".\n";
  return "The largest prime less than " + std::to_string(n) + " is " + std::to_string(largest) +
         ".\n";
}

HttpResponse run_autoscale_jobs(const AutoscaleJobs& jobs) {
  std::uint64_t largest = 0;
  std::shared_ptr<void> memory;
  std::string bloat_error;
  auto prime_job = [&] { largest = largest_prime_below(jobs.prime); };
  auto bloat_job = [&] { memory = allocate_touched(jobs.bloat_mib, bloat_error); };
  // Concurrency only pays when there is something to overlap: a lone job runs right here.
  const bool alone = (jobs.sleep_ms != 0) + (jobs.prime != 0) + (jobs.bloat_mib != 0) == 1;
  std::thread prime_thread, bloat_thread;
  // If no thread can be started the job runs here, after the others: slower, still correct.
  try {
    if (jobs.prime != 0 && !alone) prime_thread = std::thread(prime_job);
    if (jobs.bloat_mib != 0 && !alone) bloat_thread = std::thread(bloat_job);
  } catch (const std::system_error&) {
  }
  double slept = jobs.sleep_ms != 0 ? sleep_measured(jobs.sleep_ms) : 0;
  if (prime_thread.joinable())
    prime_thread.join();
  else if (jobs.prime != 0)
    prime_job();
  if (bloat_thread.joinable())
    bloat_thread.join();
  else if (jobs.bloat_mib != 0)
    bloat_job();

  if (jobs.bloat_mib != 0 && !memory) return text_response(503, "bloat: " + bloat_error + "\n");
  HttpResponse response;
  if (jobs.bloat_mib != 0)
    response.body += "Allocated " + std::to_string(jobs.bloat_mib) + " Mb of memory.\n";
  if (jobs.prime != 0) response.body += prime_line(jobs.prime, largest);
  if (jobs.sleep_ms != 0) {
    char line[64];
    std::snprintf(line, sizeof line, "Slept for %.2f milliseconds.\n", slept);
    response.body += line;
  }
  response.hold = std::move(memory);
  return response;
}

bool AutoscaleHandler::blocking(const HttpRequest& request) const {
  if (is_standard_route(request)) return false;
  AutoscaleQuery query = parse_autoscale_query(request.query, limits_);
  const AutoscaleJobs& jobs = query.jobs;
  // A small sieve alone (under 0.1 ms) is cheaper on the event loop than on a new thread.
  if (jobs.sleep_ms == 0 && jobs.bloat_mib == 0 && jobs.prime <= kInlinePrimeLimit) return false;
  return query.ok() && jobs.any();
}

HttpResponse AutoscaleHandler::handle(const HttpRequest& request) const {
  if (is_standard_route(request)) return standard_route(request, "autoscale");
  AutoscaleQuery query = parse_autoscale_query(request.query, limits_);
  if (!query.ok()) return text_response(400, query.error + "\n");
  if (!query.jobs.any()) return text_response(200, "");
  return run_autoscale_jobs(query.jobs);
}

}  // namespace mkata::workload
