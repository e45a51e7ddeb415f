// Small string helpers with no domain knowledge.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mkata {

/// Splits on a separator; keeps empty fields.
std::vector<std::string> split(std::string_view text, char separator);
/// Removes leading and trailing ASCII whitespace.
std::string trim(std::string_view text);
/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);
/// True when text starts / ends with the affix.
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);

/// `n` random lowercase hex digits (unique names and IDs, not secrets). Thread-safe.
std::string random_hex(size_t n);

/// "a", "a or b", "a, b or c" (for messages listing alternatives); "" for none.
std::string join_or(const std::vector<std::string>& items);

}  // namespace mkata
