// Segmented, odd-only sieve of Eratosthenes. Index j of a segment starting at odd `low` stands
// for the number low + 2j; each base prime p crosses out p*p, p*p + 2p, ... (odd multiples only),
// carrying its next multiple from segment to segment.
#include "workload/prime.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

namespace mkata::workload {
namespace {

constexpr std::uint64_t kSegmentOdds = 32768;  // odd numbers per segment: fits in L1/L2

std::uint64_t isqrt(std::uint64_t n) {
  // The double estimate is off by at most one for n <= 10^12; correct it exactly.
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

// Odd primes up to and including limit, by a plain sieve (limit is at most 10^6).
std::vector<std::uint64_t> odd_primes_up_to(std::uint64_t limit) {
  std::vector<std::uint64_t> primes;
  if (limit < 3) return primes;
  std::vector<bool> composite(limit + 1, false);
  for (std::uint64_t i = 3; i <= limit; i += 2) {
    if (composite[i]) continue;
    primes.push_back(i);
    for (std::uint64_t m = i * i; m <= limit; m += 2 * i) composite[m] = true;
  }
  return primes;
}

}  // namespace

std::uint64_t largest_prime_below(std::uint64_t n) {
  if (n <= 2) return 0;
  if (n == 3) return 2;
  const std::uint64_t last = n - 1;  // the largest candidate
  const std::vector<std::uint64_t> primes = odd_primes_up_to(isqrt(last));
  std::vector<std::uint64_t> next(primes.size());
  for (std::size_t i = 0; i < primes.size(); ++i) next[i] = primes[i] * primes[i];

  // Uninitialised on purpose: each segment is memset before use, and small n use a small part.
  const std::uint64_t odds = (last - 3) / 2 + 1;
  std::unique_ptr<unsigned char[]> segment(
      new unsigned char[odds < kSegmentOdds ? odds : kSegmentOdds]);
  std::uint64_t best = 2;
  for (std::uint64_t low = 3; low <= last; low += 2 * kSegmentOdds) {
    const std::uint64_t count =
        (last - low) / 2 + 1 < kSegmentOdds ? (last - low) / 2 + 1 : kSegmentOdds;
    const std::uint64_t high = low + 2 * (count - 1);
    std::memset(segment.get(), 1, count);
    for (std::size_t i = 0; i < primes.size(); ++i) {
      const std::uint64_t p = primes[i];
      if (next[i] > high) {
        if (p * p > high) break;  // base primes are sorted: no later one starts here either
        continue;
      }
      std::uint64_t j = (next[i] - low) / 2;
      for (; j < count; j += p) segment[j] = 0;
      next[i] = low + 2 * j;
    }
    for (std::uint64_t j = count; j-- > 0;) {
      if (segment[j]) {
        best = low + 2 * j;
        break;
      }
    }
  }
  return best;
}

}  // namespace mkata::workload
