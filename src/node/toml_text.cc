// toml++ wrapper (see toml_text.h). Exceptions from toml::parse stop here.
#include "node/toml_text.h"

#include <cstdio>

#include "core/strings.h"

namespace mkata::node {

namespace {

// A line that is only Go template actions ("{{ template "base" . }}", "{{- if .X }}") becomes
// empty, keeping line numbers stable for error messages.
std::string blank_template_actions(const std::string& text) {
  std::vector<std::string> lines = split(text, '\n');
  for (auto& line : lines) {
    std::string t = trim(line);
    if (starts_with(t, "{{") && ends_with(t, "}}")) line.clear();
  }
  return join(lines, "\n");
}

const toml::table* runtimes_table(const toml::table& table, ConfigSchema schema) {
  const toml::node* node = table["plugins"][cri_runtime_plugin_id(schema)]["containerd"]["runtimes"]
                               .node();
  return node ? node->as_table() : nullptr;
}

}  // namespace

std::string one_line(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Result<toml::table> parse_toml_text(const std::string& text, const std::string& source,
                                    bool go_template) {
  std::string input = go_template ? blank_template_actions(text) : text;
  try {
    return toml::parse(input, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return fail(Error::usage(source + " is not valid TOML: " + one_line(e.description()) +
                             " (line " + std::to_string(where.line) + ", column " +
                             std::to_string(where.column) + ")"));
  }
}

std::optional<int64_t> toml_config_version(const toml::table& table) {
  return table["version"].value<int64_t>();
}

std::optional<std::string> find_runtime_type(const toml::table& table, ConfigSchema schema,
                                             const std::string& name) {
  const toml::table* runtimes = runtimes_table(table, schema);
  if (!runtimes) return std::nullopt;
  const toml::node* handler = runtimes->get(name);
  if (!handler) return std::nullopt;
  const toml::table* t = handler->as_table();
  if (!t) return std::string();
  return (*t)["runtime_type"].value_or(std::string());
}

std::vector<std::string> runtime_names(const toml::table& table, ConfigSchema schema) {
  std::vector<std::string> names;
  if (const toml::table* runtimes = runtimes_table(table, schema)) {
    for (const auto& [key, value] : *runtimes) names.emplace_back(key.str());
  }
  return names;
}

bool toml_is_empty(const toml::table& table) { return table.empty(); }

}  // namespace mkata::node
