// Autoscale query rules. The parser never fails on any byte sequence: every input ends as jobs or
// as a one-line error (the fuzz target checks that, plus the "one line" promise).
#include "workload/query.h"

#include <cstdio>

namespace mkata::workload {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses one parameter into `out`; returns false and sets `error` when the value is not accepted.
bool parse_job(std::string_view query, std::string_view name, std::string_view unit,
               std::uint64_t max, std::uint64_t& out, std::string& error) {
  std::string value;
  if (!find_query_param(query, name, value) || value.empty()) return true;
  if (parse_decimal(value, max, out)) return true;
  error = "invalid " + std::string(name) + " value " + quote_value(value) +
          ": expected a decimal whole number " + std::string(unit) + "from 0 to " +
          std::to_string(max);
  return false;
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

bool find_query_param(std::string_view query, std::string_view name, std::string& value) {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    std::size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    // Names are compared decoded ("sl%65ep" is "sleep"), as a form decoder would.
    if (!pair.empty() && percent_decode(raw_name) == name) {
      value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool parse_decimal(std::string_view text, std::uint64_t max, std::uint64_t& value) {
  if (text.empty()) return false;
  std::uint64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    // max is far below 2^64 / 10 for every caller, but guard anyway so no input can wrap.
    if (result > (UINT64_MAX - 9) / 10) return false;
    result = result * 10 + static_cast<std::uint64_t>(c - '0');
    if (result > max) return false;
  }
  value = result;
  return true;
}

std::string quote_value(std::string_view value) {
  constexpr std::size_t kMaxShown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (value.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

AutoscaleQuery parse_autoscale_query(std::string_view query, const AutoscaleLimits& limits) {
  AutoscaleQuery result;
  if (parse_job(query, "sleep", "of milliseconds ", limits.max_sleep_ms, result.jobs.sleep_ms,
                result.error) &&
      parse_job(query, "prime", "", limits.max_prime, result.jobs.prime, result.error) &&
      parse_job(query, "bloat", "of MiB ", limits.max_bloat_mib, result.jobs.bloat_mib,
                result.error)) {
    return result;
  }
  result.jobs = AutoscaleJobs{};
  return result;
}

}  // namespace mkata::workload
