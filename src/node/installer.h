// `mkata install` and `mkata uninstall` as library calls: resolve the distribution and its file,
// plan the edit, show it (--dry-run) or write it (backup + atomic), copy the adapters the
// handlers need, restart the right service, and prove through CRI that containerd loaded (or
// dropped) each handler. Everything the CLI prints comes back as lines; errors come back as values.
//
// The two OS seams — restarting a service and reading containerd's loaded handlers — are hooks,
// so that the integration test can restart its own private containerd instead of the host's.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/docker_api.h"
#include "node/containerd_config.h"
#include "node/handler_readback.h"
#include "node/runtime_class.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// What the user asked for (the CLI's flags).
struct InstallRequest {
  std::vector<std::string> runtimes;  ///< runc, crun, gvisor, kata
  std::string distro = "auto";        ///< auto or one of kDistroNames
  std::string engine = "containerd";  ///< containerd, docker, podman
  std::string config;                 ///< overrides the distribution's file
  std::string address;                ///< overrides the distribution's CRI socket
  bool dry_run = false;
  bool no_restart = false;
  std::string kata_config;            ///< kata options.ConfigPath
  /// Shims mkata installed just before (`install --from`): the handler's runtime_path, in place
  /// of the probe of PATH and /opt/kata/bin. "" = probe as usual.
  std::string kata_shim;
  std::string runsc_shim;
  std::string adapter_dir = kAdapterDir;
  std::string root = "/";             ///< host root prefix (tests)
  /// --docker-host (--engine docker only): "" = $DOCKER_HOST, else unix:///var/run/docker.sock.
  std::string docker_host;
  /// --restart-command as argv: replaces the restart or reload step of any engine ({} = none).
  std::vector<std::string> restart_command;
  /// RuntimeClass manifests: "" = not written, "-" = printed, else a file path.
  std::string runtime_classes;
  std::map<std::string, std::optional<PodOverhead>> overheads;  ///< overrides of the defaults
};

/// The OS seams.
struct NodeHooks {
  /// Runs a restart command (default: run_checked with a 2-minute timeout).
  std::function<Result<void>(const std::vector<std::string>& argv)> restart;
  /// Reads containerd's loaded handlers (default: read_loaded_runtimes over CRI).
  std::function<Result<LoadedRuntimes>(const std::string& address, std::chrono::milliseconds wait)>
      read_loaded;
  /// Docker's GET /info on a unix socket (default: engine::DockerClient).
  std::function<Result<engine::DockerInfo>(const std::string& socket)> docker_info;
  /// The dockerd listening on a socket: its PID after checking that it is dockerd, and with
  /// `send` true after sending it SIGHUP (default: engine::check_socket_owner /
  /// engine::sighup_socket_owner).
  std::function<Result<pid_t>(const std::string& socket, bool send)> signal_dockerd;
  /// How long the read-back polls /info (every 100 ms) for a reload to take effect.
  std::chrono::milliseconds docker_wait = std::chrono::seconds(10);
};

/// What install or uninstall did, for the CLI to print. `notes` are for people (the CLI prints
/// them on stderr); `output` is the machine output that belongs alone on stdout (the --dry-run
/// patch, the manifests of `--runtime-classes -`); `facts` is what --json prints (docs/json.md):
/// the file, the blocks, the restart and the read-back.
struct InstallReport {
  std::vector<std::string> notes;
  std::string output;
  nlohmann::json facts = nlohmann::json::object();
};

/// --dry-run: `notes` plus a line saying that nothing was changed; `output` is the unified diff
/// of the edit ("" when there is no change, which a note then says).
InstallReport dry_run_report(const ConfigEdit& edit, std::vector<std::string> notes);

/// Copies the adapters that the handlers run (BinaryName under request.adapter_dir) into that dir
/// under request.root, mode 0755, from beside mkata or its build tree; a line per adapter is
/// added to `out` (a warning when no copy is found and none is installed). Called before the
/// config that names them is written. Error: "copy the adapter <name> to <dest>: <reason>".
Result<void> install_adapters(const InstallRequest& request,
                              const std::vector<RuntimeHandler>& handlers,
                              std::vector<std::string>& out);

/// The real hooks.
NodeHooks real_node_hooks();

/// The flags of `mkata uninstall` that name the same file as this request: "--distro D" when
/// given (not auto), "--config F" when given (shell-quoted), joined by a space; "" for neither.
std::string uninstall_flags_of(const InstallRequest& request);

/// Installs the runtimes; returns what to print. Plan, then act: every input is checked before
/// anything changes — the request's paths, the config parses and plans, the file is editable,
/// containerd answers (unless no_restart), the --runtime-classes file can be written. Errors:
/// usage (exit 2) for bad input, the environment (exit 2) for unreadable/unwritable files or a
/// containerd that is not running — in both cases before any file is touched — and kCheckFailed
/// (exit 1) when containerd restarted but did not load a handler.
Result<InstallReport> install_runtimes(const InstallRequest& request, const NodeHooks& hooks);

/// The checks of install_runtimes, and nothing else: no file is written, nothing restarted.
/// `install --from` runs it before it places the runtime's files, with the shims it will place.
Result<void> check_install(const InstallRequest& request, const NodeHooks& hooks);

/// Removes exactly what install added for these runtimes, restarts, and verifies the handlers are
/// gone. Handlers the user defined outside mkata's blocks (MicroK8s's stock kata) stay.
Result<InstallReport> uninstall_runtimes(const InstallRequest& request, const NodeHooks& hooks);

}  // namespace mkata::node
