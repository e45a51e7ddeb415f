// Docker and Podman runtime registration (see engine_config.h). nlohmann::json throws on bad
// input; it is only called here and in parse_json below.
#include "node/engine_config.h"

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "node/distribution.h"
#include "node/managed_block.h"
#include "node/runtime_plan.h"
#include "node/toml_text.h"

namespace mkata::node {

namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kPodmanTableLabel = "engine runtimes table";

Result<Json> parse_json(const std::string& text, const std::string& path) {
  if (trim(text).empty()) return Json::object();
  try {
    Json j = Json::parse(text);
    if (!j.is_object()) return fail(Error::usage(path + " is not a JSON object"));
    return j;
  } catch (const Json::parse_error& e) {
    return fail(Error::usage(path + " is not valid JSON: " + one_line(e.what())));
  }
}

Json docker_entry(const RuntimeHandler& h) {
  Json entry = Json::object();
  auto binary = h.option("BinaryName");
  if (h.runtime_type == "io.containerd.runc.v2" && binary) {
    entry["path"] = *binary;
  } else {
    entry["runtimeType"] = h.runtime_type;
    if (auto config = h.option("ConfigPath")) entry["options"] = {{"ConfigPath", *config}};
  }
  return entry;
}

std::string dump(const Json& j) { return j.dump(2) + "\n"; }

std::vector<std::string> runtime_binaries(const RuntimeHandler& h) {
  auto binary = h.option("BinaryName");
  std::vector<std::string> out;
  if (binary && starts_with(*binary, "/")) out.push_back(*binary);
  std::vector<std::string> names;
  if (h.runtime_type == "io.containerd.kata.v2") names = {"kata-runtime"};
  else if (h.name == "gvisor") names = {"runsc"};
  else names = {binary && !starts_with(*binary, "/") ? *binary : h.name};
  for (const auto& n : names) {
    if (n == "kata-runtime") out.push_back("/opt/kata/bin/kata-runtime");
    for (const char* dir : {"/usr/local/bin/", "/usr/bin/", "/usr/sbin/"}) out.push_back(dir + n);
  }
  return out;
}

// Position right after a line (its '\n'), or the end.
size_t after_line(const std::string& text, size_t line_begin) {
  size_t nl = text.find('\n', line_begin);
  return nl == std::string::npos ? text.size() : nl + 1;
}

// The offset after the user's `[engine.runtimes]` header (outside mkata's blocks), if any.
std::optional<size_t> user_runtimes_table(const std::string& text) {
  size_t pos = 0;
  bool in_block = false;
  while (pos < text.size()) {
    size_t next = after_line(text, pos);
    std::string line = trim(std::string_view(text).substr(pos, next - pos));
    if (starts_with(line, "# BEGIN mkata ")) in_block = true;
    else if (starts_with(line, "# END mkata ")) in_block = false;
    else if (!in_block && line == "[engine.runtimes]") return next;
    pos = next;
  }
  return std::nullopt;
}

Result<void> verify_podman(const std::string& path, const std::string& text,
                           const std::vector<RuntimeHandler>& handlers) {
  auto table = parse_toml_text(text, path);
  if (!table) {
    return fail(Error("adding mkata's runtimes would make " + path + " invalid (" +
                      table.error().message() + "); it was left unchanged"));
  }
  for (const auto& h : handlers) {
    if (!(*table)["engine"]["runtimes"][h.name].is_array()) {
      return fail("adding mkata's runtimes to " + path + " did not define engine.runtimes." +
                  h.name + "; check how the file defines [engine]");
    }
  }
  return {};
}

ConfigEdit new_edit(const std::string& path, const std::optional<std::string>& current) {
  ConfigEdit edit;
  edit.path = path;
  edit.existed = current.has_value();
  edit.before = current.value_or("");
  return edit;
}

}  // namespace

Result<std::string> docker_runtime_json(const RuntimeHandler& handler) {
  if (handler.name == "runc") {
    return fail(Error::usage("--engine docker: runc is Docker's built-in runtime (accepted with "
                             "docker: crun, gvisor, kata)"));
  }
  return docker_entry(handler).dump();
}

Result<ConfigEdit> plan_docker_install(const std::string& path,
                                       const std::optional<std::string>& current,
                                       const std::vector<RuntimeHandler>& handlers) {
  ConfigEdit edit = new_edit(path, current);
  auto json = parse_json(edit.before, path);
  if (!json) return fail(json.error());
  bool changed = false;
  for (const auto& h : handlers) {
    if (auto ok = docker_runtime_json(h); !ok) return fail(ok.error());
    Json entry = docker_entry(h);
    Json& runtimes = (*json)["runtimes"];
    if (!runtimes.is_object() && !runtimes.is_null()) {
      return fail(Error::usage(path + ": \"runtimes\" is not a JSON object"));
    }
    if (runtimes.contains(h.name)) {
      if (runtimes[h.name] != entry) {
        return fail(
            Error::usage(path + " already defines the Docker runtime '" + h.name + "' as " +
                         runtimes[h.name].dump(-1, ' ', false, Json::error_handler_t::replace) +
                         " (mkata's is " +
                         entry.dump(-1, ' ', false, Json::error_handler_t::replace) + ")")
                .with_hint("remove that entry, then run mkata install again"));
      }
      edit.notes.push_back(h.name + ": already installed in " + path + " (unchanged)");
      continue;
    }
    runtimes[h.name] = entry;
    changed = true;
    edit.notes.push_back(h.name + ": added to " + path);
  }
  edit.after = changed ? dump(*json) : edit.before;
  return edit;
}

Result<ConfigEdit> plan_docker_uninstall(const std::string& path,
                                         const std::optional<std::string>& current,
                                         const std::vector<RuntimeHandler>& handlers) {
  ConfigEdit edit = new_edit(path, current);
  auto json = parse_json(edit.before, path);
  if (!json) return fail(json.error());
  bool changed = false;
  for (const auto& h : handlers) {
    Json* runtimes = json->contains("runtimes") ? &(*json)["runtimes"] : nullptr;
    if (!runtimes || !runtimes->is_object() || !runtimes->contains(h.name)) {
      edit.notes.push_back(h.name + ": not installed in " + path + " (nothing to remove)");
    } else if ((*runtimes)[h.name] != docker_entry(h)) {
      edit.notes.push_back(h.name + ": changed since mkata installed it in " + path +
                           "; left as is");
    } else {
      runtimes->erase(h.name);
      if (runtimes->empty()) json->erase("runtimes");
      edit.removed.push_back(h.name);
      changed = true;
      edit.notes.push_back(h.name + ": removed from " + path);
    }
  }
  edit.after = changed ? dump(*json) : edit.before;
  // Docker reads an absent daemon.json as {}: mkata removes the file it would leave empty.
  edit.delete_file = changed && json->empty();
  return edit;
}

std::string podman_runtime_line(const RuntimeHandler& handler) {
  std::vector<std::string> quoted;
  for (const auto& b : runtime_binaries(handler)) quoted.push_back(toml_quote(b));
  return handler.name + " = [" + join(quoted, ", ") + "]\n";
}

Result<ConfigEdit> plan_podman_install(const std::string& path,
                                       const std::optional<std::string>& current,
                                       const std::vector<RuntimeHandler>& handlers,
                                       const std::string& uninstall_flags) {
  ConfigEdit edit = new_edit(path, current);
  if (auto table = parse_toml_text(edit.before, path); !table) return fail(table.error());
  std::string text = edit.before;
  std::string pending;  // blocks for a table header of mkata's own, appended together
  for (const auto& h : handlers) {
    std::string label = "runtime " + h.name;
    std::string flags = uninstall_flags.empty() ? "" : uninstall_flags + " ";
    std::string block = render_block(label,
                                     "managed by mkata; remove with: mkata uninstall "
                                     "--engine podman " +
                                         flags + "--runtime " + h.name,
                                     podman_runtime_line(h));
    auto span = find_block(text, label, path);
    if (!span) return fail(span.error());
    if (*span) {
      bool same = (*span)->content == podman_runtime_line(h);
      if (!same) text = replace_block(text, **span, block);
      edit.notes.push_back(h.name + (same ? ": already installed in " : ": updated in ") + path +
                           (same ? " (unchanged)" : ""));
      continue;
    }
    edit.notes.push_back(h.name + ": added to " + path);
    auto header = find_block(text, kPodmanTableLabel, path);
    if (!header) return fail(header.error());
    if (auto at = user_runtimes_table(text)) {
      text = insert_block(text, *at, block);
    } else if (*header) {
      text = insert_block(text, (*header)->end, block);
    } else {
      pending += block;
    }
  }
  if (!pending.empty()) {
    std::string note = edit.existed ? "added by mkata; removed with the last mkata runtime"
                                    : "created by mkata; deleted with the last mkata runtime";
    text = append_block(text, render_block(kPodmanTableLabel, note, "[engine.runtimes]\n") + pending);
  }
  if (auto ok = verify_podman(path, text, handlers); !ok) return fail(ok.error());
  edit.after = text;
  return edit;
}

Result<ConfigEdit> plan_podman_uninstall(const std::string& path,
                                         const std::optional<std::string>& current,
                                         const std::vector<std::string>& runtimes) {
  ConfigEdit edit = new_edit(path, current);
  if (auto table = parse_toml_text(edit.before, path); !table) return fail(table.error());
  std::string text = edit.before;
  for (const auto& name : runtimes) {
    auto span = find_block(text, "runtime " + name, path);
    if (!span) return fail(span.error());
    if (!*span) {
      edit.notes.push_back(name + ": not installed in " + path + " (nothing to remove)");
      continue;
    }
    text = remove_block(text, **span);
    edit.removed.push_back(name);
    edit.notes.push_back(name + ": removed from " + path);
  }
  bool left = false;
  for (const auto& l : block_labels(text)) left |= starts_with(l, "runtime ");
  auto header = find_block(text, kPodmanTableLabel, path);
  if (!header) return fail(header.error());
  if (!left && *header) {
    bool created = (*header)->begin_line.find("created by mkata") != std::string::npos;
    // Runtimes the user added under mkata's table header would otherwise land in the table
    // before it: then the header stays, unmarked, as the user's.
    auto table = parse_toml_text(text, path);
    const toml::table* user_runtimes = table ? (*table)["engine"]["runtimes"].as_table() : nullptr;
    if (!table || (user_runtimes && !user_runtimes->empty())) {
      text = unwrap_block(text, **header);
    } else {
      text = remove_block(text, **header);
      edit.delete_file = created && edit.existed && text.empty();
    }
  }
  edit.after = text;
  return edit;
}

namespace {

struct EngineFile {
  std::string path;
  std::optional<std::string> current;
  std::shared_ptr<FileEdit> file;  // locked until the edit is applied
};

Result<EngineFile> read_engine_file(const InstallRequest& r) {
  EngineFile f;
  f.path = !r.config.empty() ? r.config
           : r.engine == "docker" ? under_root(r.root, "/etc/docker/daemon.json")
                                  : under_root(r.root, "/etc/containers/containers.conf");
  auto file = open_config_file(f.path);
  if (!file) return fail(file.error());
  f.file = *file;
  f.current = current_bytes(*f.file);
  return f;
}

Result<std::vector<RuntimeHandler>> engine_handlers(const InstallRequest& r,
                                                    std::vector<std::string>& notes) {
  return plan_runtimes(r.runtimes, probe_runtime_host(r.root), {r.kata_config, r.adapter_dir},
                       r.root, notes);
}

// Docker lists its runtimes in `docker info`: the read-back for --engine docker.
Result<void> check_docker_runtimes(const std::vector<std::string>& names, bool present) {
  auto out = run_checked({"docker", "info", "--format", "{{json .Runtimes}}"});
  if (!out) return fail(out.error().wrap("read back Docker's runtimes"));
  auto json = parse_json(*out, "docker info");
  if (!json) return fail(json.error());
  for (const auto& n : names) {
    if (json->contains(n) != present) {
      return fail(Error("docker info " + std::string(present ? "does not list" : "still lists") +
                        " the runtime '" + n + "' after the restart",
                        ErrorKind::kCheckFailed));
    }
  }
  return {};
}

Result<InstallReport> finish_engine(const InstallRequest& r, const NodeHooks& hooks,
                                    const ConfigEdit& edit, bool installing, bool check_only,
                                    std::vector<std::string> out) {
  out.insert(out.end(), edit.notes.begin(), edit.notes.end());
  nlohmann::json facts = {
      {"config", {{"path", edit.path}, {"changed", edit.changed() && !r.dry_run}}}};
  if (r.dry_run) {
    InstallReport report = dry_run_report(edit, out);
    report.facts.update(facts);
    return report;
  }
  if (edit.changed()) {
    if (auto ok = check_editable(edit.path, false); !ok) return fail(ok.error());
  }
  if (check_only) return InstallReport{};
  if (auto ok = apply_config_edit(edit); !ok) return fail(ok.error());
  out.push_back(edit.changed() ? "wrote " + edit.path : "no change to " + edit.path);
  if (r.engine == "podman") {
    out.push_back("podman reads " + edit.path + " at every command: nothing to restart");
    return InstallReport{out, "", facts};
  }
  if (r.no_restart || !edit.changed()) {
    out.push_back("not restarted: the read-back through docker info was skipped");
    return InstallReport{out, "", facts};
  }
  if (auto ok = hooks.restart({"systemctl", "restart", "docker"}); !ok) {
    return fail(ok.error().wrap("restart docker.service"));
  }
  std::vector<std::string> names = installing ? r.runtimes : edit.removed;
  if (auto ok = check_docker_runtimes(names, installing); !ok) return fail(ok.error());
  out.push_back("restarted docker.service; verified with docker info");
  facts["restart"] = {{"done", true}, {"command", {"systemctl", "restart", "docker"}}};
  facts["read_back"] = {{"done", true}, {"by", "docker info"}};
  return InstallReport{out, "", facts};
}

}  // namespace

Result<InstallReport> install_engine(const InstallRequest& r, const NodeHooks& hooks,
                                     bool check_only) {
  std::vector<std::string> out = {"engine: " + r.engine};
  auto handlers = engine_handlers(r, out);
  if (!handlers) return fail(handlers.error());
  auto file = read_engine_file(r);
  if (!file) return fail(file.error());
  auto edit = r.engine == "docker" ? plan_docker_install(file->path, file->current, *handlers)
                                   : plan_podman_install(file->path, file->current, *handlers,
                                                         uninstall_flags_of(r));
  if (!edit) return fail(edit.error());
  edit->file = file->file;
  auto report = finish_engine(r, hooks, *edit, true, check_only, out);
  if (report && !r.dry_run && !check_only) install_adapters(r, *handlers, report->notes);
  return report;
}

Result<InstallReport> uninstall_engine(const InstallRequest& r, const NodeHooks& hooks) {
  std::vector<std::string> out = {"engine: " + r.engine};
  auto handlers = engine_handlers(r, out);
  if (!handlers) return fail(handlers.error());
  auto file = read_engine_file(r);
  if (!file) return fail(file.error());
  auto edit = r.engine == "docker" ? plan_docker_uninstall(file->path, file->current, *handlers)
                                   : plan_podman_uninstall(file->path, file->current, r.runtimes);
  if (!edit) return fail(edit.error());
  edit->file = file->file;
  return finish_engine(r, hooks, *edit, false, false, out);
}

}  // namespace mkata::node
