// The autoscale query rules (PRODUCT.md, Workloads): `sleep`, `prime` and `bloat` are decimal
// whole numbers; absent, empty or 0 skips the job; the first occurrence wins; unknown parameters
// are ignored; anything else is one line naming the parameter, the value and what is accepted.
// Kept free of <expected> and C++23 library features so that clang-14 can build it for libFuzzer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mkata::workload {

/// Decodes %XX escapes and '+' (a space in HTML form encoding). A malformed escape ("%zz", a
/// trailing "%") is kept literally, so the caller reports it as part of an invalid value.
std::string percent_decode(std::string_view text);

/// The first value of parameter `name` in a query string ("a=1&b=2", without the '?'), decoded.
/// Returns false when the parameter is absent; "name" without '=' has an empty value.
bool find_query_param(std::string_view query, std::string_view name, std::string& value);

/// The largest values autoscale accepts; each is configurable by environment (autoscale_main.cc).
struct AutoscaleLimits {
  std::uint64_t max_sleep_ms = 60000;
  std::uint64_t max_prime = 100000000;
  std::uint64_t max_bloat_mib = 1024;
};

/// The jobs of one autoscale request; 0 means the job is skipped.
struct AutoscaleJobs {
  std::uint64_t sleep_ms = 0;
  std::uint64_t prime = 0;
  std::uint64_t bloat_mib = 0;
  bool any() const { return sleep_ms != 0 || prime != 0 || bloat_mib != 0; }
};

/// The outcome of parsing an autoscale query: the jobs, or `error` (one line, no newline) naming
/// the first bad parameter in the order sleep, prime, bloat, its value and what is accepted.
struct AutoscaleQuery {
  AutoscaleJobs jobs;
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Applies the autoscale rules to a raw query string.
AutoscaleQuery parse_autoscale_query(std::string_view query, const AutoscaleLimits& limits);

/// Parses a non-empty string of decimal digits no larger than max. False for anything else
/// (sign, space, letters, overflow, over max). Used for the query and for environment variables.
bool parse_decimal(std::string_view text, std::uint64_t max, std::uint64_t& value);

/// Quotes a value for a one-line message: printable ASCII kept, '"' and '\' escaped, every other
/// byte as \xNN, cut after 64 bytes with "...".
std::string quote_value(std::string_view value);

}  // namespace mkata::workload
