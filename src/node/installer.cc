// mkata install / uninstall (see installer.h). main() prints; this file only returns lines.
#include "node/installer.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

#include "core/files.h"
#include "core/output_path.h"
#include "core/process.h"
#include "core/strings.h"
#include "engine/daemon_signal.h"
#include "node/config_schema_facts.h"
#include "node/containerd_config.h"
#include "node/containerd_env.h"
#include "node/distribution.h"
#include "node/engine_config.h"
#include "node/runtime_plan.h"
#include "node/unified_diff.h"

namespace mkata::node {

namespace {

using Lines = std::vector<std::string>;
constexpr auto kPreflightWait = std::chrono::seconds(3);
constexpr auto kRestartWait = std::chrono::seconds(60);

struct Resolved {
  DistroLayout layout;
  std::string how;  // "microk8s (detected)", for the first output line
};

Result<Resolved> resolve(const InstallRequest& r) {
  Resolved resolved;
  Distro distro = Distro::kContainerd;
  if (r.distro == "auto") {
    auto detected = detect_distro(r.root);
    if (!detected) return fail(detected.error());
    distro = *detected;
    resolved.how = distro_name(distro) + " (detected)";
  } else {
    auto parsed = parse_distro(r.distro);
    if (!parsed) return fail(parsed.error());
    distro = *parsed;
    resolved.how = distro_name(distro);
  }
  // The schema of a new file is chosen later, from the containerd that reads it.
  resolved.layout = distro_layout(distro, r.root, ConfigSchema::kV2);
  ConfigTarget& target = resolved.layout.target;
  if (!r.config.empty()) {
    target.path = r.config;
    if (ends_with(r.config, ".tmpl")) {
      target.format = ConfigFormat::kGoTemplate;
      target.template_header = "{{ template \"base\" . }}";
      target.schema = r.config.find("-v3") != std::string::npos ? ConfigSchema::kV3
                                                               : ConfigSchema::kV2;
    }
  }
  if (!r.address.empty()) resolved.layout.address = r.address;
  if (!r.restart_command.empty()) resolved.layout.restart = r.restart_command;
  target.uninstall_flags = uninstall_flags_of(r);
  return resolved;
}

// The file, opened and locked for the edit (absent is fine). A template that must exist
// (MicroK8s) is an error.
Result<std::shared_ptr<FileEdit>> read_current(const Resolved& resolved) {
  const std::string& path = resolved.layout.target.path;
  auto file = open_config_file(path);
  if (!file) return fail(file.error());
  if (!(*file)->exists() && resolved.layout.distro == Distro::kMicrok8s) {
    return fail(Error::usage("MicroK8s's containerd template " + path +
                             " does not exist (is MicroK8s installed?)"));
  }
  return file;
}

Result<LoadedRuntimes> preflight(const Resolved& resolved, const NodeHooks& hooks) {
  auto loaded = hooks.read_loaded(resolved.layout.address, kPreflightWait);
  if (!loaded) {
    return fail(Error(loaded.error().message())
                    .with_hint("start " + resolved.layout.service +
                               ", pass its socket with --containerd-address, or use --no-restart "
                               "to only prepare the file"));
  }
  return loaded;
}

std::string describe(const std::vector<RuntimeHandler>& handlers) {
  std::vector<std::string> parts;
  for (const auto& h : handlers) parts.push_back(h.name + " (" + h.runtime_type + ")");
  return join(parts, ", ");
}

std::string runtime_classes_yaml(const InstallRequest& r,
                                 const std::vector<RuntimeHandler>& handlers) {
  std::vector<RuntimeClassSpec> specs;
  for (const auto& h : handlers) {
    auto it = r.overheads.find(h.name);
    specs.push_back({h.name, h.name, it != r.overheads.end() ? it->second : default_overhead(h.name)});
  }
  return render_runtime_classes(specs);
}

// "-" is the machine output on stdout; a file is written (its writability was checked first).
Result<void> write_runtime_classes(const InstallRequest& r,
                                   const std::vector<RuntimeHandler>& handlers,
                                   InstallReport& report) {
  if (r.runtime_classes.empty()) return {};
  std::string yaml = runtime_classes_yaml(r, handlers);
  report.facts["runtime_classes"] = r.runtime_classes;
  if (r.runtime_classes == "-") {
    report.output += yaml;
    return {};
  }
  if (auto ok = write_output_file(r.runtime_classes, yaml); !ok) return fail(ok.error());
  report.notes.push_back("RuntimeClass manifests written to " + r.runtime_classes +
                         " (apply with: kubectl apply -f " + r.runtime_classes + ")");
  return {};
}

// --dry-run shows the manifests it would write: as a second file of the patch.
void add_runtime_classes_diff(const InstallRequest& r, const std::vector<RuntimeHandler>& handlers,
                              InstallReport& report) {
  if (r.runtime_classes.empty()) return;
  std::string yaml = runtime_classes_yaml(r, handlers);
  if (r.runtime_classes == "-") {
    report.output += yaml;
    return;
  }
  std::string before;
  bool existed = path_exists(r.runtime_classes);
  if (existed) before = read_file(r.runtime_classes).value_or("");
  report.output +=
      unified_diff(before, yaml, existed ? r.runtime_classes : "/dev/null", r.runtime_classes);
  report.facts["runtime_classes"] = r.runtime_classes;
}

Result<void> restart_service(const Resolved& resolved, const ConfigEdit& edit,
                             const NodeHooks& hooks, Lines& out) {
  if (auto ok = hooks.restart(resolved.layout.restart); !ok) {
    return fail(ok.error().wrap("restart " + resolved.layout.service + " (" + edit.path +
                                " was already written; run the restart yourself: " +
                                join(resolved.layout.restart, " ") + ")"));
  }
  out.push_back("restarted " + resolved.layout.service + " (" + join(resolved.layout.restart, " ") +
                ")");
  return {};
}

// Checks what can be checked before a byte is written: the file is editable (its directory is
// created only for a distribution's own file, never for --config), the other files install writes
// can be written. (That containerd is running was checked first: see reader_of().)
Result<void> check_writable(const InstallRequest& r, const Resolved& resolved,
                            const ConfigEdit& edit) {
  if (edit.changed()) {
    bool create = r.config.empty() &&
                  (resolved.layout.create_parent || resolved.layout.distro == Distro::kContainerd);
    if (auto ok = check_editable(edit.path, create); !ok) return fail(ok.error());
  }
  if (!r.runtime_classes.empty()) {
    if (auto ok = check_output_path("--runtime-classes", r.runtime_classes); !ok) {
      return fail(ok.error());
    }
  }
  if (resolved.layout.distro == Distro::kMicrok8s && !r.kata_shim.empty()) {
    std::string env = under_root(r.root, kMicrok8sContainerdEnv);
    if (auto ok = check_editable(env, false); !ok) return fail(ok.error());
  }
  return {};
}

// Writes the checked edit with a backup.
Result<void> write_checked(const ConfigEdit& edit, Lines& out) {
  if (auto ok = apply_config_edit(edit); !ok) return fail(ok.error());
  if (!edit.changed()) {
    out.push_back("no change to " + edit.path);
  } else if (edit.delete_file) {
    out.push_back("removed " + edit.path + " (mkata had created it)");
  } else {
    out.push_back("wrote " + edit.path +
                  (edit.existed ? " (backup: " + backup_path_of(edit) + ")" : ""));
  }
  return {};
}

// The --json facts of a planned edit (docs/json.md).
nlohmann::json config_facts(const ConfigEdit& edit, bool dry_run) {
  std::string action = !edit.changed()    ? "unchanged"
                       : edit.delete_file ? "removed"
                       : edit.existed     ? "updated"
                                          : "created";
  nlohmann::json j = {{"path", edit.path},
                      {"schema", static_cast<int>(edit.schema)},
                      {"changed", edit.changed() && !dry_run},
                      {"action", dry_run && edit.changed() ? "would be " + action : action}};
  j["backup"] = edit.changed() && edit.existed && !dry_run
                    ? nlohmann::json(backup_path_of(edit))
                    : nlohmann::json(nullptr);
  return j;
}

nlohmann::json handler_facts(const std::vector<RuntimeHandler>& handlers) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& h : handlers) {
    j.push_back({{"name", h.name}, {"runtime_type", h.runtime_type}});
  }
  return j;
}

Result<LoadedRuntimes> restart_and_read(const Resolved& resolved, const ConfigEdit& edit,
                                        const NodeHooks& hooks, InstallReport& report) {
  report.facts["restart"] = {{"done", false}, {"command", resolved.layout.restart}};
  if (edit.changed()) {
    if (auto ok = restart_service(resolved, edit, hooks, report.notes); !ok) {
      return fail(ok.error());
    }
    report.facts["restart"]["done"] = true;
  }
  auto loaded = hooks.read_loaded(resolved.layout.address, kRestartWait);
  if (!loaded) return fail(loaded.error().wrap("read back the handlers"));
  return loaded;
}

// The host's shims, overridden by the ones `install --from` just placed (which may be outside
// containerd's PATH, hence runtime_path).
RuntimeHostFacts host_facts(const InstallRequest& r) {
  RuntimeHostFacts facts = probe_runtime_host(r.root);
  if (!r.kata_shim.empty()) {
    facts.kata_shim = r.kata_shim;
    facts.kata_shim_in_path = false;
  }
  if (!r.runsc_shim.empty()) facts.runsc_shim = r.runsc_shim;
  return facts;
}

// MicroK8s: a Kata installed by `install --from` also goes on containerd's PATH through the snap's
// KATA_PATH (its stock kata handler has no runtime_path). Before the restart, which applies it.
Result<void> set_microk8s_kata_path(const InstallRequest& r, const Resolved& resolved, Lines& out) {
  if (resolved.layout.distro != Distro::kMicrok8s || r.kata_shim.empty()) return {};
  std::string env = under_root(r.root, kMicrok8sContainerdEnv);
  std::string dir = std::filesystem::path(r.kata_shim).parent_path().string();
  auto changed = set_kata_path(env, dir);
  if (!changed) return fail(changed.error().wrap("set KATA_PATH for MicroK8s"));
  out.push_back(*changed ? "set KATA_PATH=" + dir + " in " + env + " (backup: " + env +
                               ".mkata-backup)"
                         : "KATA_PATH=" + dir + " already set in " + env);
  return {};
}

// A failed read-back is a check that ran and failed (exit 1), not bad input.
Error as_check_failure(const Error& e) {
  return Error(e.message(), ErrorKind::kCheckFailed).with_hint(e.hint());
}

// The containerd that will read the file: the running one, asked through CRI (which also proves it
// runs, before anything changes); with --no-restart or --dry-run, the distribution's binary.
Result<ConfigReader> reader_of(const InstallRequest& r, const Resolved& resolved,
                               const NodeHooks& hooks) {
  if (r.no_restart || r.dry_run) return containerd_binary_reader(resolved.layout);
  auto loaded = preflight(resolved, hooks);
  if (!loaded) return fail(loaded.error());
  return ConfigReader{loaded->containerd_version, "at " + resolved.layout.address};
}

// install (check_only: only its checks). Plan — resolve, handlers, the edit — then check every
// input, then act: write, adapters, KATA_PATH, restart, read back, RuntimeClass manifests.
Result<InstallReport> install_containerd(const InstallRequest& r, const NodeHooks& hooks,
                                         bool check_only) {
  auto resolved = resolve(r);
  if (!resolved) return fail(resolved.error());
  Lines notes;
  auto handlers = plan_runtimes(r.runtimes, host_facts(r), {r.kata_config, r.adapter_dir}, r.root,
                                notes);
  if (!handlers) return fail(handlers.error());
  for (auto& h : *handlers) {
    if (h.name == "gvisor" && !r.runsc_shim.empty()) h.runtime_path = r.runsc_shim;
  }
  auto current = read_current(*resolved);
  if (!current) return fail(current.error());
  auto reader = reader_of(r, *resolved, hooks);
  if (!reader) return fail(reader.error());
  auto schema = choose_config_schema(resolved->layout.target, current_bytes(**current), *reader);
  if (!schema) return fail(schema.error());
  resolved->layout.target.schema = schema->schema;
  auto edit = plan_install(resolved->layout.target, current_bytes(**current), *handlers);
  if (!edit) return fail(edit.error());
  edit->file = *current;
  Lines out = {"distribution: " + resolved->how + "; config: " + edit->path + " (schema v" +
               std::to_string(static_cast<int>(edit->schema)) +
               (schema->why.empty() ? "" : ": " + schema->why) + ")"};
  out.insert(out.end(), notes.begin(), notes.end());
  out.insert(out.end(), edit->notes.begin(), edit->notes.end());
  nlohmann::json facts = {{"distribution", distro_name(resolved->layout.distro)},
                          {"config", config_facts(*edit, r.dry_run)},
                          {"handlers", handler_facts(*handlers)}};
  facts["config"]["schema_reason"] = schema->why;
  facts["config"]["containerd_version"] =
      reader->version.empty() ? nlohmann::json(nullptr) : nlohmann::json(reader->version);
  if (r.dry_run) {
    InstallReport report = dry_run_report(*edit, out);
    add_runtime_classes_diff(r, *handlers, report);
    report.facts.update(facts);
    return report;
  }
  if (auto ok = check_writable(r, *resolved, *edit); !ok) return fail(ok.error());
  if (check_only) return InstallReport{};
  InstallReport report{std::move(out), "", std::move(facts)};
  // The adapters first: the config names them, and containerd may restart at any time.
  if (auto ok = install_adapters(r, *handlers, report.notes); !ok) return fail(ok.error());
  if (auto ok = write_checked(*edit, report.notes); !ok) return fail(ok.error());
  if (auto ok = set_microk8s_kata_path(r, *resolved, report.notes); !ok) return fail(ok.error());
  report.facts["read_back"] = {{"done", false}};
  if (r.no_restart) {
    report.facts["restart"] = {{"done", false}, {"command", resolved->layout.restart}};
    report.notes.push_back(
        "not restarted (--no-restart): containerd reads the change at its next restart; "
        "the read-back through CRI was skipped");
  } else {
    auto loaded = restart_and_read(*resolved, *edit, hooks, report);
    if (!loaded) return fail(loaded.error());
    ReadBackContext context{resolved->layout.address, edit->path, edit->schema};
    auto ok = check_handlers_loaded(*loaded, *handlers, context);
    if (!ok) return fail(as_check_failure(ok.error()));
    nlohmann::json names = nlohmann::json::array();
    for (const auto& h : *handlers) names.push_back(h.name);
    report.facts["read_back"] = {{"done", true},
                                 {"address", resolved->layout.address},
                                 {"containerd_version", loaded->containerd_version},
                                 {"loaded", names}};
    report.notes.push_back("verified: containerd " + loaded->containerd_version + " at " +
                           resolved->layout.address + " loaded " + describe(*handlers));
  }
  if (auto ok = write_runtime_classes(r, *handlers, report); !ok) return fail(ok.error());
  return report;
}

Result<InstallReport> uninstall_containerd(const InstallRequest& r, const NodeHooks& hooks) {
  auto resolved = resolve(r);
  if (!resolved) return fail(resolved.error());
  auto current = read_current(*resolved);
  if (!current) return fail(current.error());
  auto edit = plan_uninstall(resolved->layout.target, current_bytes(**current), r.runtimes);
  if (!edit) return fail(edit.error());
  edit->file = *current;
  Lines out = {"distribution: " + resolved->how + "; config: " + edit->path};
  out.insert(out.end(), edit->notes.begin(), edit->notes.end());
  nlohmann::json facts = {{"distribution", distro_name(resolved->layout.distro)},
                          {"config", config_facts(*edit, r.dry_run)},
                          {"removed", edit->removed}};
  if (r.dry_run) {
    InstallReport report = dry_run_report(*edit, out);
    report.facts.update(facts);
    return report;
  }
  InstallReport report{std::move(out), "", std::move(facts)};
  report.facts["restart"] = {{"done", false}, {"command", resolved->layout.restart}};
  report.facts["read_back"] = {{"done", false}};
  if (!edit->changed()) {
    report.notes.push_back("no change to " + edit->path + "; nothing to restart");
    return report;
  }
  if (auto ok = check_writable(r, *resolved, *edit); !ok) return fail(ok.error());
  if (!r.no_restart) {
    if (auto ok = preflight(*resolved, hooks); !ok) return fail(ok.error());
  }
  if (auto ok = write_checked(*edit, report.notes); !ok) return fail(ok.error());
  if (r.no_restart) {
    report.notes.push_back("not restarted (--no-restart): the read-back through CRI was skipped");
    return report;
  }
  auto loaded = restart_and_read(*resolved, *edit, hooks, report);
  if (!loaded) return fail(loaded.error());
  ReadBackContext context{resolved->layout.address, edit->path, edit->schema};
  auto ok = check_handlers_gone(*loaded, edit->removed, context);
  if (!ok) return fail(as_check_failure(ok.error()));
  report.facts["read_back"] = {{"done", true},
                               {"address", resolved->layout.address},
                               {"containerd_version", loaded->containerd_version},
                               {"gone", edit->removed}};
  if (!edit->removed.empty()) {
    report.notes.push_back("verified: containerd at " + resolved->layout.address +
                           " no longer has " + join(edit->removed, ", "));
  }
  return report;
}

// Inputs that are wrong whatever the host holds. The paths go into containerd's config, which
// containerd resolves from its own working directory, not the user's.
Result<void> check_request(const InstallRequest& r) {
  if (!r.docker_host.empty() && r.engine != "docker") {
    return fail(Error::usage("--docker-host " + r.docker_host +
                             ": only with --engine docker (this is --engine " + r.engine + ")"));
  }
  for (const auto& [flag, value] :
       {std::pair{"adapter-dir", r.adapter_dir}, std::pair{"kata-config", r.kata_config}}) {
    if (!value.empty() && !value.starts_with('/')) {
      std::error_code ec;  // no exceptions: a cwd that is gone gives no example
      std::string full = std::filesystem::absolute(value, ec).lexically_normal().string();
      return fail(
          Error::usage("--" + std::string(flag) + " " + value +
                       ": must be an absolute path (it is written into containerd's "
                       "config)")
              .with_hint("give the full path" +
                         (ec ? std::string() : ", e.g. --" + std::string(flag) + " " + full)));
    }
  }
  return {};
}

}  // namespace

Result<void> install_adapters(const InstallRequest& r, const std::vector<RuntimeHandler>& handlers,
                              Lines& out) {
  for (const auto& h : handlers) {
    auto name = adapter_of(h, r.adapter_dir);
    if (!name) continue;
    std::string dest = under_root(r.root, r.adapter_dir + "/" + *name);
    auto source = find_adapter_source(*name);
    if (!source) {
      if (!path_exists(dest)) {
        out.push_back("warning: " + h.name + ": the adapter " + *name +
                      " was not found beside mkata and is not installed at " + dest +
                      ": pods of this handler will fail until it is (see docs/install.md)");
      }
      continue;
    }
    if (*source == dest) continue;
    auto bytes = read_file(*source);
    Result<void> ok = bytes ? make_directories(under_root(r.root, r.adapter_dir))
                            : Result<void>(fail(bytes.error()));
    if (ok) ok = write_file_atomic(dest, *bytes, 0755);
    if (!ok) return fail(ok.error().wrap("copy the adapter " + *name + " to " + dest));
    out.push_back(h.name + ": adapter installed at " + dest);
  }
  return {};
}

InstallReport dry_run_report(const ConfigEdit& edit, std::vector<std::string> notes) {
  InstallReport report;
  report.output = unified_diff(edit.before, edit.delete_file ? "" : edit.after, edit.path,
                               edit.delete_file ? "/dev/null" : edit.path);
  if (report.output.empty()) notes.push_back("no change to " + edit.path);
  notes.push_back("dry run: no file was changed and nothing was restarted");
  report.notes = std::move(notes);
  report.facts["diff"] = report.output;
  return report;
}

namespace {

// The value as one shell word: as is when it is plain, else in single quotes ($'...' with \xNN
// escapes when it holds control characters, so that the marker stays one line).
std::string shell_word(const std::string& value) {
  bool plain = !value.empty();
  bool control = false;
  for (unsigned char c : value) {
    plain &= std::isalnum(c) ||
             std::string_view("_./:=@%+-,").find(static_cast<char>(c)) != std::string_view::npos;
    control |= c < 0x20 || c == 0x7f;
  }
  if (plain) return value;
  std::string out = control ? "$'" : "'";
  for (unsigned char c : value) {
    if (control && (c < 0x20 || c == 0x7f || c == '\\' || c == '\'')) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (!control && c == '\'') {
      out += "'\\''";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

}  // namespace

std::string uninstall_flags_of(const InstallRequest& r) {
  std::vector<std::string> flags;
  if (r.distro != "auto" && !r.distro.empty()) flags.push_back("--distro " + shell_word(r.distro));
  if (!r.config.empty()) flags.push_back("--config " + shell_word(r.config));
  return join(flags, " ");
}

NodeHooks real_node_hooks() {
  NodeHooks hooks;
  hooks.restart = [](const std::vector<std::string>& argv) -> Result<void> {
    RunOptions options;
    options.timeout = std::chrono::minutes(2);
    auto out = run_checked(argv, options);
    if (!out) return fail(out.error());
    return {};
  };
  hooks.read_loaded = read_loaded_runtimes;
  hooks.docker_info = [](const std::string& socket) { return engine::DockerClient(socket).info(); };
  hooks.signal_dockerd = [](const std::string& socket, bool send) {
    return send ? engine::sighup_socket_owner(socket, "dockerd")
                : engine::check_socket_owner(socket, "dockerd");
  };
  return hooks;
}

namespace {

// The facts every --json document shares, around the command's own.
Result<InstallReport> with_context(Result<InstallReport> result, const InstallRequest& r,
                                   const std::string& context) {
  if (!result) return fail(result.error().wrap(context));
  nlohmann::json facts = {{"runtimes", r.runtimes}, {"engine", r.engine}, {"dry_run", r.dry_run}};
  facts.update(result->facts);
  result->facts = std::move(facts);
  return result;
}

}  // namespace

Result<InstallReport> install_runtimes(const InstallRequest& request, const NodeHooks& hooks) {
  auto context = "install " + join(request.runtimes, ", ");
  if (auto ok = check_request(request); !ok) return fail(ok.error().wrap(context));
  return with_context(request.engine == "containerd" ? install_containerd(request, hooks, false)
                                                     : install_engine(request, hooks, false),
                      request, context);
}

Result<void> check_install(const InstallRequest& request, const NodeHooks& hooks) {
  auto context = "install " + join(request.runtimes, ", ");
  if (auto ok = check_request(request); !ok) return fail(ok.error().wrap(context));
  auto result = request.engine == "containerd" ? install_containerd(request, hooks, true)
                                               : install_engine(request, hooks, true);
  if (!result) return fail(result.error().wrap(context));
  return {};
}

Result<InstallReport> uninstall_runtimes(const InstallRequest& request, const NodeHooks& hooks) {
  auto context = "uninstall " + join(request.runtimes, ", ");
  if (auto ok = check_request(request); !ok) return fail(ok.error().wrap(context));
  return with_context(request.engine == "containerd" ? uninstall_containerd(request, hooks)
                                                     : uninstall_engine(request, hooks),
                      request, context);
}

}  // namespace mkata::node
