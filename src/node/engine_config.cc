// Docker and Podman runtime registration (see engine_config.h). nlohmann::json throws on bad
// input; it is only called here and in parse_json below.
#include "node/engine_config.h"

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "node/distribution.h"
#include "node/engine_reload.h"
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

// Whether a daemon.json entry is the one mkata would write for h. Uninstall has no
// --kata-config, so a runtimeType entry also matches with the options.ConfigPath that install
// --kata-config (or --from a Kata release) added: the shape mkata writes, nothing else.
bool is_mkatas_entry(const Json& entry, const RuntimeHandler& h) {
  Json mine = docker_entry(h);
  if (entry == mine) return true;
  if (!mine.contains("runtimeType") || mine.contains("options") || !entry.is_object() ||
      entry.size() != 2 || entry.value("runtimeType", Json()) != mine["runtimeType"]) {
    return false;
  }
  auto options = entry.find("options");
  return options != entry.end() && options->is_object() && options->size() == 1 &&
         options->contains("ConfigPath") && (*options)["ConfigPath"].is_string();
}

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
    } else if (!is_mkatas_entry((*runtimes)[h.name], h)) {
      edit.notes.push_back(h.name + ": changed since mkata installed it in " + path +
                           "; left as is");
    } else {
      runtimes->erase(h.name);
      edit.removed.push_back(h.name);
      changed = true;
      edit.notes.push_back(h.name + ": removed from " + path);
    }
  }
  // dockerd reloads `runtimes` only when daemon.json has the key (measured with 20.10: without
  // it, or without the file, a SIGHUP keeps the loaded runtimes until a restart), so the last
  // removal leaves "runtimes": {} and the file.
  if (changed && json->contains("runtimes") && (*json)["runtimes"].empty()) {
    edit.notes.push_back("left \"runtimes\": {} in " + path +
                         ": dockerd reloads its runtimes only when daemon.json has that key");
  }
  edit.after = changed ? dump(*json) : edit.before;
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

Result<std::vector<RuntimeHandler>> engine_handlers(const InstallRequest& r, bool installing,
                                                    std::vector<std::string>& notes) {
  auto handlers = plan_runtimes(r.runtimes, probe_runtime_host(r.root),
                                {r.kata_config, r.adapter_dir}, r.root, notes);
  if (!handlers || r.engine != "docker") return handlers;
  for (auto& h : *handlers) {
    auto docker = docker_handler(h, r.root);
    // Uninstall after runsc is gone: the entry is compared to the planned one (which an older
    // mkata wrote), so an entry naming the vanished runsc is left, and said so.
    if (!docker && installing) return fail(docker.error());
    if (docker) h = *docker;
  }
  return handlers;
}

using Lines = std::vector<std::string>;

// What mkata writes (or removed) for each runtime, as /info lists it.
std::vector<WrittenRuntime> written_runtimes(const std::vector<RuntimeHandler>& handlers) {
  std::vector<WrittenRuntime> out;
  for (const auto& h : handlers) out.push_back({h.name, docker_runtime_of(h)});
  return out;
}

bool has_runtime_type(const std::vector<WrittenRuntime>& runtimes) {
  for (const auto& rt : runtimes) {
    if (!rt.entry.runtime_type.empty()) return true;
  }
  return false;
}

// /info, polled every 100 ms until `done` holds or hooks.docker_wait has passed; the last answer.
template <typename Done>
Result<engine::DockerInfo> poll_docker(const NodeHooks& hooks, const std::string& socket,
                                       Done done) {
  auto deadline = std::chrono::steady_clock::now() + hooks.docker_wait;
  for (;;) {
    auto info = hooks.docker_info(socket);
    if (info && done(*info)) return info;
    if (std::chrono::steady_clock::now() >= deadline) return info;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Runs the chosen reload; the --json "restart" facts.
Result<nlohmann::json> reload_docker(const InstallRequest& r, const NodeHooks& hooks,
                                     const std::string& socket, const ConfigEdit& edit,
                                     Lines& out) {
  DockerReload reload = choose_docker_reload(r.restart_command, systemd_is_init(r.root));
  std::string written = edit.path + " was already written";
  if (!reload.argv.empty()) {
    if (auto ok = hooks.restart(reload.argv); !ok) {
      return fail(ok.error().wrap("reload Docker (" + written +
                                  "; reload dockerd yourself: " + join(reload.argv, " ") + ")"));
    }
    out.push_back("reloaded Docker: " + join(reload.argv, " ") + " (" + reload.why + ")");
    return nlohmann::json{{"done", true}, {"command", reload.argv}};
  }
  auto pid = hooks.signal_dockerd(socket, true);
  if (!pid) {
    return fail(pid.error().wrap("reload Docker (" + written +
                                 "; send dockerd SIGHUP yourself, or use --restart-command)"));
  }
  out.push_back("reloaded Docker: SIGHUP to dockerd (PID " + std::to_string(*pid) +
                ", listening on " + socket + "; " + reload.why + ")");
  return nlohmann::json{{"done", true}, {"signal", "SIGHUP"}, {"pid", *pid}};
}

// Before anything changes: Docker answers, accepts what would be written, and (when the reload
// is a signal) the socket's owner is dockerd.
Result<engine::DockerInfo> docker_preflight(const InstallRequest& r, const NodeHooks& hooks,
                                            const std::string& socket,
                                            const std::vector<WrittenRuntime>& runtimes,
                                            bool installing) {
  auto info = path_exists(socket) ? hooks.docker_info(socket)
                                  : Result<engine::DockerInfo>(fail("no such socket"));
  if (!info) {
    return fail(Error("cannot reach Docker at " + socket + ": " + info.error().message() +
                      "; start it, or use --no-restart to only write the file"));
  }
  if (installing) {
    if (auto ok = check_docker_accepts(*info, runtimes); !ok) return fail(ok.error());
  }
  if (choose_docker_reload(r.restart_command, systemd_is_init(r.root)).argv.empty()) {
    if (auto pid = hooks.signal_dockerd(socket, false); !pid) {
      return fail(pid.error()
                      .wrap("reload Docker")
                      .with_hint("use --restart-command to reload it another way, or "
                                 "--no-restart to only write the file"));
    }
  }
  return info;
}

// Polls /info until it lists each runtime as written (install) or no longer lists the removed
// ones (uninstall); the verdict, the note and the --json "read_back" facts.
Result<void> read_back_docker(const NodeHooks& hooks, const std::string& socket,
                              const ConfigEdit& edit, const std::vector<WrittenRuntime>& runtimes,
                              bool installing, Lines& out, nlohmann::json& facts) {
  auto verdict = [&](const engine::DockerInfo& i) {
    return installing ? docker_listing_error(i, runtimes, edit.path)
                      : docker_removal_error(i, edit.removed, edit.path);
  };
  auto info = poll_docker(hooks, socket, [&](const engine::DockerInfo& i) { return !verdict(i); });
  if (!info) return fail(info.error().wrap("read back Docker's runtimes"));
  if (auto error = verdict(*info)) return fail(*error);
  std::string docker = "verified: Docker " + info->server_version + " at " + socket;
  facts["read_back"] = {{"done", true}, {"by", "Docker Engine API /info"}};
  if (!installing) {
    out.push_back(docker + " no longer lists " + join(edit.removed, ", "));
    facts["read_back"]["gone"] = edit.removed;
    return {};
  }
  std::vector<std::string> names;
  nlohmann::json listed = nlohmann::json::object();
  for (const auto& rt : runtimes) {
    names.push_back(rt.name + " " + docker_runtime_text(rt.entry));
    listed[rt.name] = nlohmann::json::parse(docker_runtime_text(rt.entry));
  }
  out.push_back(docker + " lists " + join(names, ", "));
  facts["read_back"]["runtimes"] = listed;
  if (auto unshown = docker_types_not_shown(*info, runtimes); !unshown.empty()) {
    out.push_back("note: Docker's /info lists " + join(unshown, ", ") +
                  " by name without a path, as Engine 24.0+ lists every runtimeType entry; it "
                  "does not show the type or options themselves");
    facts["read_back"]["type_not_shown"] = unshown;
  }
  return {};
}

// Docker after the edit is planned: check, write (adapters first), reload, read back.
Result<InstallReport> finish_docker(const InstallRequest& r, const NodeHooks& hooks,
                                    const ConfigEdit& edit,
                                    const std::vector<RuntimeHandler>& handlers, bool installing,
                                    bool check_only, Lines out) {
  auto socket = engine::docker_socket_path(r.docker_host, std::getenv("DOCKER_HOST"));
  if (!socket) return fail(socket.error());
  std::vector<WrittenRuntime> runtimes = written_runtimes(handlers);
  bool reach = !r.no_restart && (installing || edit.changed());
  if (edit.changed()) {
    if (auto ok = check_editable(edit.path, false); !ok) return fail(ok.error());
  }
  std::optional<engine::DockerInfo> before;
  if (reach) {
    auto info = docker_preflight(r, hooks, *socket, runtimes, installing);
    if (!info) return fail(info.error());
    before = *info;
  }
  if (check_only) return InstallReport{};
  nlohmann::json facts = {{"config", {{"path", edit.path}, {"changed", edit.changed()}}},
                          {"docker", {{"socket", *socket}}},
                          {"restart", {{"done", false}}},
                          {"read_back", {{"done", false}}}};
  if (before) facts["docker"]["version"] = before->server_version;
  if (installing) {
    if (auto ok = install_adapters(r, handlers, out); !ok) return fail(ok.error());
  }
  if (auto ok = apply_config_edit(edit); !ok) return fail(ok.error());
  out.push_back(edit.changed() ? "wrote " + edit.path : "no change to " + edit.path);
  if (r.no_restart) {
    if (installing && has_runtime_type(runtimes)) {
      out.push_back(
          "note: Docker was not asked which version it is: a runtimeType entry (kata) "
          "needs Docker Engine 24.0 or later; older Engines list it and ignore it");
    }
    out.push_back(
        "not reloaded (--no-restart): Docker reads the change at its next reload or "
        "restart; the read-back through the Docker Engine API was skipped");
    return InstallReport{out, "", facts};
  }
  if (!edit.changed() && !installing) {
    out.push_back("nothing to reload");
    return InstallReport{out, "", facts};
  }
  // Unchanged, yet not what Docker lists (an earlier reload failed): reload all the same.
  if (edit.changed() || (before && docker_listing_error(*before, runtimes, edit.path))) {
    auto restart = reload_docker(r, hooks, *socket, edit, out);
    if (!restart) return fail(restart.error());
    facts["restart"] = *restart;
  }
  if (auto ok = read_back_docker(hooks, *socket, edit, runtimes, installing, out, facts); !ok) {
    return fail(ok.error());
  }
  return InstallReport{out, "", facts};
}

// Podman reads containers.conf at every command: nothing to reload unless the user says what.
Result<InstallReport> finish_podman(const InstallRequest& r, const NodeHooks& hooks,
                                    const ConfigEdit& edit,
                                    const std::vector<RuntimeHandler>& handlers, bool installing,
                                    bool check_only, Lines out) {
  nlohmann::json facts = {{"config", {{"path", edit.path}, {"changed", edit.changed()}}}};
  if (edit.changed()) {
    if (auto ok = check_editable(edit.path, false); !ok) return fail(ok.error());
  }
  if (check_only) return InstallReport{};
  if (installing) {
    if (auto ok = install_adapters(r, handlers, out); !ok) return fail(ok.error());
  }
  if (auto ok = apply_config_edit(edit); !ok) return fail(ok.error());
  out.push_back(edit.changed() ? "wrote " + edit.path : "no change to " + edit.path);
  if (!r.restart_command.empty() && !r.no_restart && edit.changed()) {
    if (auto ok = hooks.restart(r.restart_command); !ok) {
      return fail(ok.error().wrap("run --restart-command (" + edit.path + " was already written)"));
    }
    out.push_back("ran " + join(r.restart_command, " ") + " (--restart-command)");
    facts["restart"] = {{"done", true}, {"command", r.restart_command}};
    return InstallReport{out, "", facts};
  }
  out.push_back("podman reads " + edit.path + " at every command: nothing to restart");
  return InstallReport{out, "", facts};
}

Result<InstallReport> finish_engine(const InstallRequest& r, const NodeHooks& hooks,
                                    const ConfigEdit& edit,
                                    const std::vector<RuntimeHandler>& handlers, bool installing,
                                    bool check_only, Lines out) {
  out.insert(out.end(), edit.notes.begin(), edit.notes.end());
  if (r.engine == "docker") {
    // A bad --docker-host is bad input, also for --dry-run.
    if (auto socket = engine::docker_socket_path(r.docker_host, std::getenv("DOCKER_HOST"));
        !socket) {
      return fail(socket.error());
    }
  }
  if (r.dry_run) {
    InstallReport report = dry_run_report(edit, out);
    report.facts.update({{"config", {{"path", edit.path}, {"changed", false}}}});
    return report;
  }
  return r.engine == "docker"
             ? finish_docker(r, hooks, edit, handlers, installing, check_only, std::move(out))
             : finish_podman(r, hooks, edit, handlers, installing, check_only, std::move(out));
}

}  // namespace

engine::DockerRuntime docker_runtime_of(const RuntimeHandler& handler) {
  Json entry = docker_entry(handler);
  engine::DockerRuntime rt;
  if (entry.contains("path")) rt.path = entry["path"].get<std::string>();
  if (entry.contains("runtimeType")) rt.runtime_type = entry["runtimeType"].get<std::string>();
  return rt;
}

Result<RuntimeHandler> docker_handler(const RuntimeHandler& planned, const std::string& root) {
  if (planned.name != "gvisor" || planned.runtime_type == "io.containerd.runc.v2") return planned;
  auto runsc = find_host_program(root, "runsc");
  if (!runsc) {
    return fail("--engine docker: gvisor: runsc was not found in " +
                join(host_program_dirs(), ", ") +
                " (Docker runs it as an OCI runtime, by its path)");
  }
  return gvisor_handler(false, *runsc, planned.name);
}

Result<InstallReport> install_engine(const InstallRequest& r, const NodeHooks& hooks,
                                     bool check_only) {
  std::vector<std::string> out = {"engine: " + r.engine};
  auto handlers = engine_handlers(r, true, out);
  if (!handlers) return fail(handlers.error());
  auto file = read_engine_file(r);
  if (!file) return fail(file.error());
  auto edit = r.engine == "docker" ? plan_docker_install(file->path, file->current, *handlers)
                                   : plan_podman_install(file->path, file->current, *handlers,
                                                         uninstall_flags_of(r));
  if (!edit) return fail(edit.error());
  edit->file = file->file;
  return finish_engine(r, hooks, *edit, *handlers, true, check_only, out);
}

Result<InstallReport> uninstall_engine(const InstallRequest& r, const NodeHooks& hooks) {
  std::vector<std::string> out = {"engine: " + r.engine};
  auto handlers = engine_handlers(r, false, out);
  if (!handlers) return fail(handlers.error());
  auto file = read_engine_file(r);
  if (!file) return fail(file.error());
  auto edit = r.engine == "docker" ? plan_docker_uninstall(file->path, file->current, *handlers)
                                   : plan_podman_uninstall(file->path, file->current, r.runtimes);
  if (!edit) return fail(edit.error());
  edit->file = file->file;
  return finish_engine(r, hooks, *edit, *handlers, false, false, out);
}

}  // namespace mkata::node
