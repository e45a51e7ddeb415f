// See yaml_text.h.
#include "kube/yaml_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

// Words YAML 1.1 readers (PyYAML, older Go yaml) resolve to booleans or null.
bool special_word(std::string_view s) {
  static constexpr std::array<std::string_view, 9> kWords = {"y",     "n",  "yes", "no",  "true",
                                                             "false", "on", "off", "null"};
  std::string lower(s);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::ranges::find(kWords, lower) != kWords.end();
}

// Plain when it starts with a letter, '_' or '/', holds only [A-Za-z0-9_./:=@+-], does not end in
// ':' and is no special word: nothing else to read it as (numbers start with a digit, sign or
// '.'; indicators and spaces are excluded).
bool plain_safe(std::string_view s) {
  if (s.empty() || s.back() == ':' || special_word(s)) return false;
  unsigned char first = s.front();
  if (!std::isalpha(first) && first != '_' && first != '/') return false;
  return std::ranges::all_of(s, [](unsigned char c) {
    return std::isalnum(c) || std::string_view("_./:=@+-").find(c) != std::string_view::npos;
  });
}

std::string scalar(const ordered_json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (plain_safe(s)) return s;
    return v.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  }
  if (v.is_object()) return "{}";  // only reached when empty
  if (v.is_array()) return "[]";
  return v.dump();
}

bool nested(const ordered_json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

void emit(const ordered_json& v, size_t indent, std::string& out);

void emit_map(const ordered_json& map, size_t indent, std::string& out) {
  for (const auto& [key, value] : map.items()) {
    out.append(indent, ' ');
    out += scalar(ordered_json(key));
    if (nested(value)) {
      out += ":\n";
      emit(value, indent + 2, out);
    } else {
      out += ": " + scalar(value) + "\n";
    }
  }
}

// "- " takes the place of the last two spaces of the item's first line: the item's block is
// rendered two columns in, and its first line then starts at the dash.
void emit_seq(const ordered_json& seq, size_t indent, std::string& out) {
  for (const auto& item : seq) {
    if (!nested(item)) {
      out.append(indent, ' ');
      out += "- " + scalar(item) + "\n";
      continue;
    }
    std::string block;
    emit(item, indent + 2, block);
    out.append(indent, ' ');
    out += "- ";
    out += std::string_view(block).substr(indent + 2);
  }
}

void emit(const ordered_json& v, size_t indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    emit_map(v, indent, out);
  } else if (v.is_array() && !v.empty()) {
    emit_seq(v, indent, out);
  } else {
    out.append(indent, ' ');
    out += scalar(v) + "\n";
  }
}

}  // namespace

std::string yaml_document(const ordered_json& value) {
  std::string out;
  emit(value, 0, out);
  return out;
}

std::string to_yaml(const std::vector<ordered_json>& objects) {
  std::string out;
  for (const auto& o : objects) out += "---\n" + yaml_document(o);
  return out;
}

}  // namespace mkata::kube
