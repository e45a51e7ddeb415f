// The autoscale CPU job: the largest prime strictly below N, by sieving all of [2, N). The work is
// the point (a load-test target whose cost grows with N), so the sieve covers the whole range
// instead of searching down from N; it is segmented and odd-only so that N = 10^8 takes a
// fraction of a second and a fixed 32 KiB of working memory plus the primes up to sqrt(N).
#pragma once

#include <cstdint>

namespace mkata::workload {

/// The largest prime p < n, or 0 when there is none (n <= 2). Valid for n up to 10^12.
std::uint64_t largest_prime_below(std::uint64_t n);

}  // namespace mkata::workload
