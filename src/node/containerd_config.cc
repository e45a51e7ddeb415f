// Planning and applying edits to containerd configs (see containerd_config.h).
#include "node/containerd_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "core/files.h"
#include "core/strings.h"
#include "node/managed_block.h"
#include "node/toml_text.h"

namespace mkata::node {

namespace {

constexpr const char* kHeaderLabel = "config header";
constexpr const char* kCreatedNote = "created by mkata; deleted with the last mkata runtime";
constexpr const char* kAddedNote = "added by mkata; removed with the last mkata runtime";
constexpr const char* kDefaultLabel = "default runtime";
constexpr const char* kDefaultNote =
    "added by mkata: containerd needs its default runtime listed once any runtime is; removed "
    "with the last mkata runtime";

ConfigSchema other_schema(ConfigSchema s) {
  return s == ConfigSchema::kV2 ? ConfigSchema::kV3 : ConfigSchema::kV2;
}

int schema_number(ConfigSchema s) { return static_cast<int>(s); }

// What the file says about itself, read from its current text.
struct FileFacts {
  ConfigSchema schema = ConfigSchema::kV2;
  bool needs_header = false;  // no `version` and no content: mkata adds `version = N`
};

Result<FileFacts> read_facts(const ConfigTarget& target, const std::string& text) {
  bool tmpl = target.format == ConfigFormat::kGoTemplate;
  auto table = parse_toml_text(text, target.path, tmpl);
  if (!table) return fail(table.error());
  FileFacts facts;
  facts.schema = target.schema;
  if (tmpl) return facts;  // the base template carries `version`; the file name says which
  auto version = toml_config_version(*table);
  if (version == 2 || version == 3) {
    facts.schema = static_cast<ConfigSchema>(*version);
  } else if (version) {
    return fail(Error::usage(target.path + " has config version = " + std::to_string(*version) +
                             " (accepted: 2 for containerd 1.x, 3 for containerd 2.x)")
                    .with_hint("convert it with: containerd config migrate"));
  } else if (toml_is_empty(*table)) {
    facts.needs_header = true;
  } else {
    // containerd 1.x reads a file without `version` as schema v1, in which the plugin ids mkata
    // writes are silently ignored.
    return fail(Error::usage(target.path +
                             " has no 'version = 2' or 'version = 3' line: containerd reads it as "
                             "the old schema v1, where runtime tables are ignored")
                    .with_hint("add 'version = 2' at the top after converting it with: "
                               "containerd config migrate"));
  }
  return facts;
}

std::string header_content(const ConfigTarget& target, ConfigSchema schema) {
  if (target.format == ConfigFormat::kGoTemplate) return target.template_header + "\n";
  return "version = " + std::to_string(schema_number(schema)) + "\n";
}

std::string block_note(const ConfigTarget& target, const std::string& runtime) {
  std::string flags = target.uninstall_flags.empty() ? "" : target.uninstall_flags + " ";
  return "managed by mkata; remove with: mkata uninstall " + flags + "--runtime " + runtime;
}

// Whether the text holds anything of the user's: TOML keys, or (in a Go template) any line that
// is not blank or a comment. Unparsable text counts as the user's.
bool has_user_content(const ConfigTarget& target, const std::string& text) {
  if (target.format == ConfigFormat::kGoTemplate) {
    for (const auto& line : split(text, '\n')) {
      std::string t = trim(line);
      if (!t.empty() && t[0] != '#') return true;
    }
    return false;
  }
  auto table = parse_toml_text(text, target.path);
  return !table || !toml_is_empty(*table);
}

// Warns about runtimes written under the other schema's plugin id: containerd ignores them.
void note_wrong_plugin_id(const toml::table& table, const FileFacts& facts, const std::string& path,
                          std::vector<std::string>& notes) {
  auto misplaced = runtime_names(table, other_schema(facts.schema));
  if (misplaced.empty()) return;
  notes.push_back("warning: " + path + " uses config schema v" +
                  std::to_string(schema_number(facts.schema)) + " but defines runtimes (" +
                  join(misplaced, ", ") + ") under the plugin id \"" +
                  cri_runtime_plugin_id(other_schema(facts.schema)) +
                  "\", which containerd ignores; move them under \"" +
                  cri_runtime_plugin_id(facts.schema) + "\"");
}

// Proves the planned text is valid and carries each handler with its runtime_type.
Result<void> verify_installed(const ConfigTarget& target, const std::string& text,
                              ConfigSchema schema, const std::vector<RuntimeHandler>& handlers) {
  auto table = parse_toml_text(text, target.path, target.format == ConfigFormat::kGoTemplate);
  if (!table) {
    return fail(Error("adding mkata's runtime tables would make " + target.path +
                      " invalid (" + table.error().message() +
                      "); it was left unchanged — check how it defines runtimes"));
  }
  for (const auto& h : handlers) {
    if (target.format == ConfigFormat::kGoTemplate && h.name == "runc") continue;
    auto type = find_runtime_type(*table, schema, h.name);
    if (!type) return fail("internal: handler " + h.name + " missing after planning");
  }
  return {};
}

// A handler the user defined is left as is: say which of mkata's settings it therefore lacks.
void note_unapplied_settings(const RuntimeHandler& h, const std::string& path,
                             std::vector<std::string>& notes) {
  std::vector<std::string> settings;
  if (!h.runtime_path.empty()) settings.push_back("runtime_path = " + toml_quote(h.runtime_path));
  for (const auto& o : h.options) {
    if (const auto* v = std::get_if<std::string>(&o.value)) {
      settings.push_back("options." + o.key + " = " + toml_quote(*v));
    }
  }
  if (settings.empty()) return;
  notes.push_back("warning: " + h.name + ": not applied to that table (it is not mkata's): " +
                  join(settings, ", ") + "; set them in " + path + " yourself if you need them");
}

bool has_runtime_block(const std::string& text) {
  for (const auto& l : block_labels(text)) {
    if (starts_with(l, "runtime ")) return true;
  }
  return false;
}

// containerd drops its built-in `runc` handler as soon as a config lists any runtime, and then
// refuses to load the CRI plugin ("no corresponding runtime configured in containerd.runtimes for
// default_runtime_name"). So while mkata's blocks list runtimes in a file that does not define
// the default one, mkata adds it in a block of its own, removed with the last mkata runtime.
// Go templates are skipped: k3s's base template defines runc.
Result<std::string> keep_default_runtime(const ConfigTarget& target, std::string text,
                                         ConfigSchema schema) {
  auto span = find_block(text, kDefaultLabel, target.path);
  if (!span) return fail(span.error());
  std::string without = *span ? remove_block(text, **span) : text;
  if (!has_runtime_block(without) || target.format == ConfigFormat::kGoTemplate ||
      !target.keep_default_runtime) {
    return without;
  }
  auto table = parse_toml_text(without, target.path);
  if (!table) return text;  // verify_installed reports it
  std::string name = (*table)["plugins"][cri_runtime_plugin_id(schema)]["containerd"]
                         ["default_runtime_name"]
                             .value_or(std::string("runc"));
  if (name.find("${") != std::string::npos || find_runtime_type(*table, schema, name)) {
    return without;
  }
  std::string block = render_block(kDefaultLabel, kDefaultNote,
                                   render_runtime_table(runc_handler(name), schema));
  if (*span && (*span)->content == render_runtime_table(runc_handler(name), schema)) return text;
  // Before mkata's first runtime block, so that it stays put while blocks come and go.
  auto labels = block_labels(without);
  for (const auto& l : labels) {
    if (!starts_with(l, "runtime ")) continue;
    auto first = find_block(without, l, target.path);
    if (first && *first) return insert_block(without, (*first)->begin, block);
  }
  return append_block(without, block);
}

// Adds, refreshes or (for a handler the user already defined) skips one handler's block in text.
Result<void> place_handler(const ConfigTarget& target, const toml::table& user_table,
                           ConfigSchema schema, const RuntimeHandler& h, std::string& text,
                           std::vector<std::string>& notes) {
  if (auto ok = validate_handler(h); !ok) return fail(ok.error());
  if (target.format == ConfigFormat::kGoTemplate && h.name == "runc") {
    // k3s/RKE2's base template defines runc; a second table would stop containerd.
    notes.push_back("runc: defined by the base template of " + target.path + "; left as is");
    return {};
  }
  std::string label = runtime_block_label(h.name);
  auto span = find_block(text, label, target.path);
  if (!span) return fail(span.error());
  if (auto foreign = find_runtime_type(user_table, schema, h.name)) {
    bool same = *foreign == h.runtime_type || foreign->find("${") != std::string::npos;
    if (!same) {
      return fail(Error::usage(target.path + " already defines the runtime handler '" + h.name +
                               "' with runtime_type \"" + *foreign + "\" (mkata's is \"" +
                               h.runtime_type + "\")")
                      .with_hint("remove or rename that table, then run mkata install again"));
    }
    notes.push_back(h.name + ": already defined in " + target.path +
                    " outside mkata's blocks (runtime_type \"" + *foreign + "\"); left as is");
    note_unapplied_settings(h, target.path, notes);
    return {};
  }
  std::string content = render_runtime_table(h, schema);
  std::string block = render_block(label, block_note(target, h.name), content);
  if (!*span) {
    text = append_block(text, block);
    notes.push_back(h.name + ": added to " + target.path);
  } else if ((*span)->content != content) {
    text = replace_block(text, **span, block);
    notes.push_back(h.name + ": updated in " + target.path);
  } else {
    notes.push_back(h.name + ": already installed in " + target.path + " (unchanged)");
  }
  return {};
}

}  // namespace

std::string runtime_block_label(const std::string& runtime) { return "runtime " + runtime; }

Result<ConfigSchema> schema_for_containerd_version(const std::string& version_output) {
  for (const auto& word : split(trim(version_output), ' ')) {
    std::string w = starts_with(word, "v") ? word.substr(1) : word;
    if (w.empty() || w[0] < '0' || w[0] > '9' || w.find('.') == std::string::npos) continue;
    int major = 0;  // from_chars: std::stoi throws on "99999999999.0"
    if (std::from_chars(w.data(), w.data() + w.size(), major).ec != std::errc()) continue;
    return major >= 2 ? ConfigSchema::kV3 : ConfigSchema::kV2;
  }
  return fail("cannot read a version in `containerd --version` output: '" + trim(version_output) +
              "'");
}

namespace {

std::string schema_name(ConfigSchema s) { return "v" + std::to_string(schema_number(s)); }

}  // namespace

Result<SchemaChoice> choose_config_schema(const ConfigTarget& target,
                                          const std::optional<std::string>& current,
                                          const ConfigReader& reader) {
  std::optional<ConfigSchema> native;
  if (!reader.version.empty()) {
    if (auto s = schema_for_containerd_version(reader.version)) native = *s;
  }
  std::string who =
      "containerd " + reader.version + (reader.where.empty() ? "" : " " + reader.where);
  // What the file (or the template's name) says; nullopt when it cannot say.
  std::optional<ConfigSchema> said;
  std::string said_why;
  bool tmpl = target.format == ConfigFormat::kGoTemplate;
  if (tmpl) {
    said = target.schema;
    said_why = "the template " + std::filesystem::path(target.path).filename().string() +
               " is for schema " + schema_name(target.schema);
  } else if (current) {
    auto table = parse_toml_text(*current, target.path, false);
    // Unreadable or without `version`: plan_install() says what is wrong with the file.
    if (!table) return SchemaChoice{target.schema, ""};
    auto version = toml_config_version(*table);
    if (version == 2 || version == 3) {
      said = static_cast<ConfigSchema>(*version);
      said_why = "the file says version = " + std::to_string(*version);
    } else if (version || !toml_is_empty(*table)) {
      return SchemaChoice{target.schema, ""};
    }
  }
  if (!said) {
    if (!native) {
      return SchemaChoice{target.schema, "schema " + schema_name(target.schema) +
                                             " for a new file (containerd's version is unknown)"};
    }
    return SchemaChoice{*native,
                        "a new file for " + who + ", which reads schema " + schema_name(*native)};
  }
  if (!native || *native == *said) {
    return SchemaChoice{*said, said_why + (native ? "; " + who + " reads it natively" : "")};
  }
  if (*said == ConfigSchema::kV3) {
    return fail(Error::usage(target.path + ": " + said_why +
                             " (config schema v3, containerd 2.x), but " + who +
                             " reads schema v2 only: it would start and ignore every "
                             "runtime written there")
                    .with_hint(tmpl ? "use the schema-v2 template (config.toml.tmpl) for "
                                      "containerd 1.x, or upgrade containerd"
                                    : "write the file for schema v2 ('version = 2', plugin id "
                                      "\"io.containerd.grpc.v1.cri\"), or upgrade containerd"));
  }
  return SchemaChoice{*said, said_why + "; " + who + " migrates it to v3 when it loads it"};
}

Result<ConfigEdit> plan_install(const ConfigTarget& target, const std::optional<std::string>& current,
                                const std::vector<RuntimeHandler>& handlers) {
  ConfigEdit edit;
  edit.path = target.path;
  edit.existed = current.has_value();
  edit.before = current.value_or("");
  auto facts = read_facts(target, edit.before);
  if (!facts) return fail(facts.error());
  edit.schema = facts->schema;
  bool tmpl = target.format == ConfigFormat::kGoTemplate;
  // What the user wrote, without mkata's blocks: where a handler would be a duplicate.
  auto user_table = parse_toml_text(strip_blocks(edit.before), target.path, tmpl);
  if (!user_table) return fail(user_table.error());
  note_wrong_plugin_id(*user_table, *facts, target.path, edit.notes);

  std::string text = edit.before;
  for (const auto& h : handlers) {
    if (auto ok = place_handler(target, *user_table, facts->schema, h, text, edit.notes); !ok) {
      return fail(ok.error());
    }
  }
  auto with_default = keep_default_runtime(target, text, facts->schema);
  if (!with_default) return fail(with_default.error());
  text = *with_default;
  auto header = find_block(text, kHeaderLabel, target.path);
  if (!header) return fail(header.error());
  if (has_runtime_block(text) && !*header && (facts->needs_header || !edit.existed)) {
    text = insert_block(text, 0,
                        render_block(kHeaderLabel, edit.existed ? kAddedNote : kCreatedNote,
                                     header_content(target, facts->schema)));
  }
  if (auto ok = verify_installed(target, text, facts->schema, handlers); !ok) return fail(ok.error());
  edit.after = text;
  return edit;
}

Result<ConfigEdit> plan_uninstall(const ConfigTarget& target,
                                  const std::optional<std::string>& current,
                                  const std::vector<std::string>& runtimes) {
  ConfigEdit edit;
  edit.path = target.path;
  edit.existed = current.has_value();
  edit.before = current.value_or("");
  bool tmpl = target.format == ConfigFormat::kGoTemplate;
  auto table = parse_toml_text(edit.before, target.path, tmpl);
  if (!table) return fail(table.error());
  auto user_table = parse_toml_text(strip_blocks(edit.before), target.path, tmpl);
  if (!user_table) return fail(user_table.error());
  auto version = toml_config_version(*table);
  edit.schema = version == 3 ? ConfigSchema::kV3 : (version ? ConfigSchema::kV2 : target.schema);

  std::string text = edit.before;
  for (const auto& runtime : runtimes) {
    auto span = find_block(text, runtime_block_label(runtime), target.path);
    if (!span) return fail(span.error());
    bool foreign = find_runtime_type(*user_table, edit.schema, runtime).has_value();
    if (*span) {
      text = remove_block(text, **span);
      edit.removed.push_back(runtime);
      edit.notes.push_back(runtime + ": removed from " + target.path);
    } else if (foreign) {
      edit.notes.push_back(runtime + ": defined in " + target.path +
                           " outside mkata's blocks (not added by mkata); left as is");
    } else {
      edit.notes.push_back(runtime + ": not installed in " + target.path + " (nothing to remove)");
    }
  }
  auto with_default = keep_default_runtime(target, text, edit.schema);
  if (!with_default) return fail(with_default.error());
  text = *with_default;
  auto header = find_block(text, kHeaderLabel, target.path);
  if (!header) return fail(header.error());
  if (!has_runtime_block(text) && *header) {
    bool created = (*header)->begin_line.find("created by mkata") != std::string::npos;
    std::string without = remove_block(text, **header);
    if (has_user_content(target, without)) {
      // The user added tables since: they need the `version` line (or the base template).
      text = unwrap_block(text, **header);
    } else {
      text = without;
      edit.delete_file = created && edit.existed && text.empty();
    }
  }
  edit.after = text;
  return edit;
}

Result<void> check_editable(const std::string& path, bool create_parent) {
  struct stat st{};
  if (stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & 0222) != 0) return {};
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return fail(Error("cannot edit " + path + ": the file is read-only (mode " + mode + ")")
                    .with_hint("make it writable (chmod u+w " + path + ") if mkata should edit it"));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty() || path_exists(dir)) return {};
  if (create_parent) return make_directories(dir);
  return fail(Error::usage("cannot create " + path + ": the directory " + dir +
                           " does not exist (pass the right file with --config)"));
}

Result<std::shared_ptr<FileEdit>> open_config_file(const std::string& path) {
  auto file = FileEdit::open(path);
  if (!file) return fail(file.error());
  return std::make_shared<FileEdit>(std::move(*file));
}

std::optional<std::string> current_bytes(const FileEdit& file) {
  if (!file.exists()) return std::nullopt;
  return file.content();
}

std::string backup_path_of(const ConfigEdit& edit) {
  return (edit.file ? edit.file->target() : edit.path) + ".mkata-backup";
}

Result<void> apply_config_edit(const ConfigEdit& edit) {
  if (!edit.changed()) return {};
  std::shared_ptr<FileEdit> file = edit.file;
  if (!file) {
    auto opened = open_config_file(edit.path);
    if (!opened) return fail(opened.error());
    file = *opened;
    if (current_bytes(*file) != (edit.existed ? std::optional(edit.before) : std::nullopt)) {
      return fail(edit.path +
                  " changed since mkata read it (another program wrote it); nothing "
                  "was written: run mkata again");
    }
  }
  if (file->exists()) {
    if (auto backup = file->backup(); !backup) return fail(backup.error());
  }
  if (edit.delete_file && !file->is_symlink()) return file->remove();
  return file->commit(edit.after);
}

}  // namespace mkata::node
