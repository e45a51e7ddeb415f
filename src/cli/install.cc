// mkata install: parse the flags, call node::install_runtimes, print what it did. The logic —
// files, blocks, restart, read-back through CRI — lives in src/node/installer.cc. With --from,
// the runtime itself is installed first (src/artifacts/) and its shim and ConfigPath feed the
// handler; see docs/runtime-archives.md ("CLI contract").
#include <cstdio>
#include <nlohmann/json.hpp>

#include "artifacts/gvisor_release.h"
#include "artifacts/installed_runtime.h"
#include "artifacts/kata_release.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/strings.h"
#include "node/engine_reload.h"
#include "node/installer.h"
#include "node/runtime_class.h"

namespace mkata::cli {

namespace {

constexpr const char* kSummary =
    "Register sandboxed runtimes next to runc in containerd (or Docker/Podman), reversibly, and "
    "prove through CRI that containerd loaded them.";

/// The --from flags: where the runtime's files come from and how they are verified.
struct FromFlags {
  std::string from, sha256, checksum_file, prefix, manifest_dir = artifacts::kDefaultManifestDir;
  bool force = false;
};

void declare_from_flags(ArgParser& p, FromFlags& f) {
  p.option("from", &f.from, "FILE|URL|DIR",
           "install the runtime itself first: a kata-static archive, or gVisor's release base/dir");
  p.option("sha256", &f.sha256, "HEX", "the archive's expected digest (with --from)");
  p.option("checksum-file", &f.checksum_file, "FILE|URL",
           "a sha256sum-style file listing the archive (with --from)");
  p.option("prefix", &f.prefix, "DIR",
           "install directory for --from (default /opt/kata, gvisor: /usr/local/bin)");
  p.flag("force", &f.force, "with --from: replace files in the way");
  p.option("manifest-dir", &f.manifest_dir, "DIR",
           "where the install manifests live (default /var/lib/mkata/manifests)");
}

// Usage rules that ArgParser cannot express (docs/runtime-archives.md, "CLI contract").
Result<void> check_from_flags(const FromFlags& f, const std::vector<std::string>& runtimes) {
  if (f.from.empty()) {
    for (const auto& [name, value] : {std::pair{"sha256", f.sha256},
                                      std::pair{"checksum-file", f.checksum_file},
                                      std::pair{"prefix", f.prefix}}) {
      if (!value.empty()) {
        return fail(usage_error("install", std::string("--") + name + " " + value +
                                               ": needs --from (it applies to the installed files)"));
      }
    }
    return {};
  }
  if (runtimes.size() != 1 || (runtimes[0] != "kata" && runtimes[0] != "gvisor")) {
    return fail(usage_error("install", "--from " + f.from + ": needs exactly one --runtime, kata or "
                                       "gvisor (got: " + join(runtimes, ", ") + ")"));
  }
  if (!f.sha256.empty() && !f.checksum_file.empty()) {
    return fail(usage_error("install", "--sha256 " + f.sha256 + " and --checksum-file " +
                                           f.checksum_file + " are exclusive: give one"));
  }
  if (runtimes[0] == "gvisor" && (!f.sha256.empty() || !f.checksum_file.empty())) {
    return fail(usage_error("install", "--runtime gvisor --from " + f.from +
                                           ": takes no --sha256/--checksum-file (each gVisor "
                                           "binary is verified by the .sha512 file beside it)"));
  }
  if (!f.prefix.empty() && !f.prefix.starts_with('/')) {
    return fail(usage_error("install", "--prefix " + f.prefix + ": must be an absolute path"));
  }
  return {};
}

// The shims `install --from` will place, for the checks that run before anything is placed.
node::InstallRequest with_planned_shims(const FromFlags& f, node::InstallRequest request) {
  if (request.runtimes[0] == "kata") {
    std::string prefix = !f.prefix.empty() ? f.prefix : artifacts::kKataDefaultPrefix;
    request.kata_shim = prefix + "/bin/containerd-shim-kata-v2";
  } else {
    std::string prefix = !f.prefix.empty() ? f.prefix : "/usr/local/bin";
    request.runsc_shim = prefix + "/containerd-shim-runsc-v1";
  }
  return request;
}

// Installs the runtime's files and points the handler at them; returns the summary to print.
Result<artifacts::InstalledRuntime> install_from(const FromFlags& f,
                                                 node::InstallRequest& request) {
  Result<artifacts::InstalledRuntime> installed;
  if (request.runtimes[0] == "kata") {
    artifacts::KataInstallOptions options;
    options.source = f.from;
    options.sha256 = f.sha256;
    options.checksum_file = f.checksum_file;
    if (!f.prefix.empty()) options.prefix = f.prefix;
    options.manifest_dir = f.manifest_dir;
    options.force = f.force;
    installed = artifacts::install_kata_release(options);
  } else {
    artifacts::GvisorInstallOptions options;
    options.source = f.from;
    if (!f.prefix.empty()) options.prefix = f.prefix;
    options.manifest_dir = f.manifest_dir;
    options.force = f.force;
    installed = artifacts::install_gvisor_release(options);
  }
  if (!installed) return fail(installed.error());
  if (request.runtimes[0] == "kata") {
    request.kata_shim = installed->shim_path;
    if (request.kata_config.empty()) request.kata_config = installed->config_path;
  } else {
    request.runsc_shim = installed->shim_path;
  }
  return installed;
}

}  // namespace

// --restart-command's value before parsing: distinguishes --restart-command '' from its absence.
extern const char* const kNotGiven = "\x01not given";

void print_lines(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    std::fprintf(stderr, "%s%s", line.c_str(), line.ends_with('\n') ? "" : "\n");
  }
}

void print_report(const std::string& command, const node::InstallReport& report, bool json,
                  const std::vector<std::string>& notes_before, nlohmann::json extra) {
  std::fflush(stdout);
  print_lines(report.notes);
  if (!json) {
    std::fputs(report.output.c_str(), stdout);
    return;
  }
  nlohmann::json doc = {{"schema", "mkata." + command + "/v1"}, {"command", command}};
  doc.update(report.facts);
  doc.update(extra);
  std::vector<std::string> notes = notes_before;
  notes.insert(notes.end(), report.notes.begin(), report.notes.end());
  doc["notes"] = notes;
  std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

Result<void> check_output_flags(const std::string& command, const node::InstallRequest& r,
                                bool json) {
  if (r.runtime_classes == "-" && (json || r.dry_run)) {
    return fail(usage_error(command, std::string("--runtime-classes - and ") +
                                         (json ? "--json" : "--dry-run") +
                                         " would share stdout: give --runtime-classes a file"));
  }
  return {};
}

/// Declares the flags shared by install and uninstall; `restart_text` receives --restart-command
/// (turned into argv by finish_node_flags).
void declare_node_flags(ArgParser& p, node::InstallRequest& r, bool install,
                        std::string* restart_text) {
  p.repeated("runtime", &r.runtimes, "RT", "a runtime to (un)register; repeat or comma-separate");
  p.choices("runtime", {"runc", "crun", "gvisor", "kata"});
  p.option("distro", &r.distro, "NAME",
           "which distribution's file and service (default auto: detect from disk)");
  p.choices("distro", {"auto", "containerd", "microk8s", "k3s", "rke2", "k0s"});
  p.option("engine", &r.engine, "NAME", "the engine to configure (default containerd)");
  p.choices("engine", {"containerd", "docker", "podman"});
  p.option("config", &r.config, "FILE", "edit this file instead of the distribution's");
  p.option("containerd-address", &r.address, "SOCKET",
           "containerd's CRI socket for the read-back (default: the distribution's)");
  p.flag("dry-run", &r.dry_run,
         "print the unified diff (and the manifests it would write) on stdout; change nothing");
  p.flag("no-restart", &r.no_restart,
         "do not restart or reload the engine (and skip the read-back): prepare a file offline");
  p.option("docker-host", &r.docker_host, "unix:///PATH",
           "with --engine docker: Docker's socket (default $DOCKER_HOST, else "
           "unix:///var/run/docker.sock); without systemd, its dockerd is sent SIGHUP");
  p.option("restart-command", restart_text, "\"CMD ARG...\"",
           "run this (split on spaces, no shell) instead of mkata's restart or reload step");
  if (install) {
    p.option("kata-config", &r.kata_config, "FILE", "Kata configuration.toml (options.ConfigPath)");
    p.option("runtime-classes", &r.runtime_classes, "FILE",
             "write RuntimeClass manifests to FILE ('-' prints them)");
  }
  p.option("adapter-dir", &r.adapter_dir, "DIR",
           "where the gVisor/crun adapters live on the host (default /usr/local/lib/mkata)");
}

/// The checks of the shared flags that ArgParser cannot express; --restart-command becomes argv.
Result<void> finish_node_flags(const std::string& command, const std::string& restart_text,
                               bool restart_given, node::InstallRequest& r) {
  if (!r.docker_host.empty() && r.engine != "docker") {
    return fail(usage_error(command, "--docker-host " + r.docker_host +
                                         ": only with --engine docker (this is --engine " +
                                         r.engine + ")"));
  }
  if (restart_given) {
    auto argv = node::parse_restart_command(restart_text);
    if (!argv) return fail(usage_error(command, argv.error().message()));
    r.restart_command = *argv;
  }
  return {};
}

Result<int> install_command(const CommandArgs& args) {
  node::InstallRequest request;
  std::vector<std::string> overheads;
  ArgParser p("install", kSummary);
  std::string restart_text = kNotGiven;
  declare_node_flags(p, request, true, &restart_text);
  p.repeated("overhead", &overheads, "RT=MEM,CPU",
             "RuntimeClass overhead.podFixed override, e.g. kata=256Mi,250m or gvisor=none",
             /*split_commas=*/false);
  FromFlags from;
  declare_from_flags(p, from);
  bool json = false;
  p.flag("json", &json, "print what happened as one JSON document on stdout (docs/json.md)");
  auto parsed = p.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (request.runtimes.empty()) {
    return fail(usage_error("install", "--runtime is required (accepted: runc, crun, gvisor, kata)"));
  }
  if (auto ok = finish_node_flags("install", restart_text, restart_text != kNotGiven, request);
      !ok) {
    return fail(ok.error());
  }
  if (auto ok = check_from_flags(from, request.runtimes); !ok) return fail(ok.error());
  for (const auto& o : overheads) {
    auto value = node::parse_overhead(o);
    if (!value) return fail(value.error().wrap("install"));
    request.overheads[value->first] = value->second;
  }
  if (auto ok = check_output_flags("install", request, json); !ok) return fail(ok.error());
  const node::NodeHooks hooks = node::real_node_hooks();
  std::vector<std::string> notes;
  nlohmann::json extra = nlohmann::json::object();
  if (!from.from.empty()) {
    std::string prefix = !from.prefix.empty()            ? from.prefix
                         : request.runtimes[0] == "kata" ? artifacts::kKataDefaultPrefix
                                                         : "/usr/local/bin";
    if (request.dry_run) {
      notes.push_back("would install " + request.runtimes[0] + " from " + from.from + " into " +
                      prefix + " (the diff shows the handler pointing there)");
      request = with_planned_shims(from, request);
    } else {
      // Plan, then act: the config, containerd and the output files are checked before a file
      // of the runtime is placed.
      if (auto ok = node::check_install(with_planned_shims(from, request), hooks); !ok) {
        return fail(ok.error());
      }
      auto installed = install_from(from, request);
      if (!installed) return fail(installed.error());
      std::string summary = artifacts::render_install_summary(*installed);
      print_lines({summary});
      notes.push_back(summary);
      extra["installed"] = {{"runtime", installed->runtime}, {"version", installed->version},
                            {"source", installed->source},   {"verified", installed->verified},
                            {"digest", installed->digest},   {"prefix", installed->prefix},
                            {"shim", installed->shim_path},  {"manifest", installed->manifest_path},
                            {"changed", installed->changed}};
    }
  }
  auto report = node::install_runtimes(request, hooks);
  if (!report) return fail(report.error());
  if (request.dry_run) print_lines(notes);
  print_report("install", *report, json, notes, extra);
  return kExitOk;
}

}  // namespace mkata::cli
