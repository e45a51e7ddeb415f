// The one file that calls toml++ (which throws on bad input): it parses config text into a
// toml::table for *reading* — to validate what mkata is about to write and to find conflicting
// tables — and turns parse errors into Result. mkata never serializes a parsed table back: edits
// are made on the text (managed_block.h) so every byte outside mkata's block is preserved.
//
// Go-template configs (k3s/RKE2 `config.toml.tmpl`) are parsed with their template actions
// (`{{ ... }}` lines such as `{{ template "base" . }}`) blanked out: what remains must be TOML.
#pragma once

#include <optional>
#include <string>

#include <toml++/toml.h>

#include "core/error.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// Parses TOML text. `go_template`: blank out lines that are Go template actions first.
/// Error: "<source> is not valid TOML: <reason> (line L, column C)".
Result<toml::table> parse_toml_text(const std::string& text, const std::string& source,
                                    bool go_template = false);

/// The text with control characters escaped ("\n", "\t", "\x01"), so that a library's error
/// message quoting the input stays on one line.
std::string one_line(std::string_view text);

/// The top-level integer `version`, if present.
std::optional<int64_t> toml_config_version(const toml::table& table);

/// The runtime_type of handler `name` under the schema's CRI plugin id: nullopt when the
/// handler's table is absent, "" when present without runtime_type.
std::optional<std::string> find_runtime_type(const toml::table& table, ConfigSchema schema,
                                             const std::string& name);

/// Handler names defined under the schema's CRI plugin id.
std::vector<std::string> runtime_names(const toml::table& table, ConfigSchema schema);

/// True when the table has no keys at all (a file of comments and blank lines).
bool toml_is_empty(const toml::table& table);

}  // namespace mkata::node
