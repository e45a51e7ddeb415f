#include "workload/prime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace mkata::workload {
namespace {

// The independent check: trial division, nothing shared with the sieve.
bool is_prime_by_trial_division(std::uint64_t n) {
  if (n < 2) return false;
  for (std::uint64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

TEST(LargestPrimeBelow, NoPrimesUpToTwo) {
  EXPECT_EQ(largest_prime_below(0), 0u);
  EXPECT_EQ(largest_prime_below(1), 0u);
  EXPECT_EQ(largest_prime_below(2), 0u);
  EXPECT_EQ(largest_prime_below(3), 2u);
  EXPECT_EQ(largest_prime_below(4), 3u);
}

TEST(LargestPrimeBelow, StrictlyBelowAPrime) {
  EXPECT_EQ(largest_prime_below(9973), 9967u);
  EXPECT_EQ(largest_prime_below(9974), 9973u);
  EXPECT_EQ(largest_prime_below(10000), 9973u);
}

TEST(LargestPrimeBelow, EveryNUpTo200000MatchesTrialDivision) {
  constexpr std::uint64_t kMax = 200001;
  std::vector<std::uint64_t> expected(kMax + 1, 0);  // expected[n] = largest prime < n
  for (std::uint64_t n = 1; n <= kMax; ++n)
    expected[n] = is_prime_by_trial_division(n - 1) ? n - 1 : expected[n - 1];
  // Each call sieves all of [2, n), so spread the 200000 calls over the CPUs.
  std::atomic<std::uint64_t> next{0}, mismatches{0}, first_bad{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t n; (n = next.fetch_add(1)) <= kMax;) {
        if (largest_prime_below(n) != expected[n] && mismatches++ == 0) first_bad = n;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0u) << "first wrong answer for N = " << first_bad.load();
}

TEST(LargestPrimeBelow, AroundSegmentBoundariesMatchesTrialDivision) {
  // A segment holds 32768 odd numbers, 65536 integers from 3; check around several boundaries.
  for (std::uint64_t boundary : {65539ull, 131075ull, 655363ull, 6553603ull, 99942403ull}) {
    for (std::uint64_t n = boundary - 40; n <= boundary + 40; n += 7) {
      std::uint64_t expected = n - 1;
      while (!is_prime_by_trial_division(expected)) --expected;
      EXPECT_EQ(largest_prime_below(n), expected) << "N = " << n;
    }
  }
}

TEST(LargestPrimeBelow, HundredMillion) {
  EXPECT_EQ(largest_prime_below(100000000), 99999989u);
  EXPECT_TRUE(is_prime_by_trial_division(99999989));
}

}  // namespace
}  // namespace mkata::workload
