#include "workload/autoscale.h"

#include <gtest/gtest.h>

#include <regex>

#include "workload/info.h"

namespace mkata::workload {
namespace {

std::uint64_t rss_bytes() {
  auto status = read_small_file("/proc/self/status");
  return status ? meminfo_bytes(*status, "VmRSS") : 0;
}

TEST(Autoscale, ThePrimeLines) {
  EXPECT_EQ(prime_line(10000, 9973), "The largest prime less than 10000 is 9973.\n");
  EXPECT_EQ(prime_line(2, 0), "There are no primes smaller than 2.\n");
}

TEST(Autoscale, RunsTheExampleInOrder) {
  AutoscaleJobs jobs;
  jobs.sleep_ms = 100;
  jobs.prime = 10000;
  jobs.bloat_mib = 5;
  HttpResponse response = run_autoscale_jobs(jobs);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(std::regex_match(response.body,
                               std::regex("Allocated 5 Mb of memory\\.\n"
                                          "The largest prime less than 10000 is 9973\\.\n"
                                          "Slept for [1-4]\\d\\d\\.\\d\\d milliseconds\\.\n")))
      << response.body;
  EXPECT_NE(response.hold, nullptr) << "the memory is held until the response is written";
}

TEST(Autoscale, BloatTouchesEveryPageAndHoldsItUntilReleased) {
  std::uint64_t before = rss_bytes();
  std::string error;
  std::shared_ptr<void> memory = allocate_touched(64, error);
  ASSERT_NE(memory, nullptr) << error;
  EXPECT_GE(rss_bytes(), before + 63 * 1024 * 1024);
  memory.reset();
  EXPECT_LT(rss_bytes(), before + 16 * 1024 * 1024);
}

TEST(Autoscale, BloatBeyondWhatIsAvailableIsRefused) {
  std::string error;
  EXPECT_EQ(allocate_touched(1ull << 30, error), nullptr);  // 1 PiB
  EXPECT_TRUE(std::regex_match(
      error, std::regex("cannot allocate 1073741824 MiB: only \\d+ MiB available \\((MemAvailable "
                        "|limit ).*, 0 MiB reserved by requests in flight, 32 MiB kept free\\)")))
      << error;
}

TEST(Autoscale, SleepIsMeasured) {
  double slept = sleep_measured(50);
  EXPECT_GE(slept, 50.0);
  EXPECT_LT(slept, 1000.0);
}

}  // namespace
}  // namespace mkata::workload
