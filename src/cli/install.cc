// mkata install: parse the flags, call node::install_runtimes, print what it did. The logic —
// files, blocks, restart, read-back through CRI — lives in src/node/installer.cc.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "node/installer.h"
#include "node/runtime_class.h"

namespace mkata::cli {

namespace {

constexpr const char* kSummary =
    "Register sandboxed runtimes next to runc in containerd (or Docker/Podman), reversibly, and "
    "prove through CRI that containerd loaded them.";

}  // namespace

/// Declares the flags shared by install and uninstall.
void declare_node_flags(ArgParser& p, node::InstallRequest& r, bool install) {
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
  p.flag("dry-run", &r.dry_run, "print the unified diff; change nothing");
  p.flag("no-restart", &r.no_restart,
         "do not restart containerd (and skip the read-back): prepare a file offline");
  if (install) {
    p.option("kata-config", &r.kata_config, "FILE", "Kata configuration.toml (options.ConfigPath)");
    p.option("runtime-classes", &r.runtime_classes, "FILE",
             "write RuntimeClass manifests to FILE ('-' prints them)");
  }
  p.option("adapter-dir", &r.adapter_dir, "DIR",
           "where the gVisor/crun adapters live on the host (default /usr/local/lib/mkata)");
}

Result<int> install_command(const CommandArgs& args) {
  node::InstallRequest request;
  std::vector<std::string> overheads;
  ArgParser p("install", kSummary);
  declare_node_flags(p, request, true);
  p.repeated("overhead", &overheads, "RT=MEM,CPU",
             "RuntimeClass overhead.podFixed override, e.g. kata=256Mi,250m or gvisor=none");
  auto parsed = p.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (request.runtimes.empty()) {
    return fail(usage_error("install", "--runtime is required (accepted: runc, crun, gvisor, kata)"));
  }
  for (const auto& o : overheads) {
    auto value = node::parse_overhead(o);
    if (!value) return fail(value.error().wrap("install"));
    request.overheads[value->first] = value->second;
  }
  auto lines = node::install_runtimes(request, node::real_node_hooks());
  if (!lines) return fail(lines.error());
  for (const auto& line : *lines) std::printf("%s%s", line.c_str(), line.ends_with('\n') ? "" : "\n");
  return kExitOk;
}

}  // namespace mkata::cli
