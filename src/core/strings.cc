#include "core/strings.h"

#include <mutex>
#include <random>

namespace mkata {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string trim(std::string_view text) {
  const char* ws = " \t\r\n\f\v";
  size_t start = text.find_first_not_of(ws);
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(ws);
  return std::string(text.substr(start, end - start + 1));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string random_hex(size_t n) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mutex;
  static constexpr char kHex[] = "0123456789abcdef";
  std::lock_guard lock(mutex);
  std::string out;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i, v >>= 4) {
    if (i % 16 == 0) v = rng();
    out += kHex[v & 15];
  }
  return out;
}

std::string join_or(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return join(std::vector(items.begin(), items.end() - 1), ", ") + " or " + items.back();
}

}  // namespace mkata
