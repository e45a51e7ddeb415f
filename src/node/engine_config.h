// The other two engines users run sandboxed runtimes with: Docker (daemon.json `runtimes`) and
// Podman (containers.conf `[engine.runtimes]`).
//
// Docker's daemon.json is JSON, which has no comments for a marker: mkata owns exactly the
// `runtimes.<name>` entries it would write, removes an entry on uninstall only while it still
// holds mkata's value, and keeps every other key (re-indented by 2 spaces, in their order).
// Podman's containers.conf is TOML and gets marked blocks like containerd's config: inside the
// user's `[engine.runtimes]` table when there is one, otherwise after a table header block of
// mkata's own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/docker_api.h"
#include "node/containerd_config.h"
#include "node/installer.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// Docker daemon.json entry for a handler: {"runtimeType": ...} for a containerd shim of its own,
/// {"path": BinaryName} for the runc-shim handlers. Error (usage) for runc: Docker's built-in.
Result<std::string> docker_runtime_json(const RuntimeHandler& handler);

/// The daemon.json entry of a handler as Docker's /info lists it (what the read-back expects).
engine::DockerRuntime docker_runtime_of(const RuntimeHandler& handler);

/// The handler for Docker, which runs every OCI runtime through containerd's runc shim with the
/// entry's path as its binary, and a shim of its own only by runtimeType (Engine 24.0 and later).
/// gVisor planned on its own shim (containerd-shim-runsc-v1) becomes {"path": <runsc>}, gVisor's
/// documented Docker setup, with runsc found in host_program_dirs() under `root`; planned on the
/// runsc adapter (Debian 12's runsc, no shim) it stays there: that runsc alone refuses a Docker
/// container's network namespace on kernels >= 6.7 (docs/targets.md). Other handlers are
/// returned as planned. Error (environment): "--engine docker: gvisor: runsc was not found in
/// /usr/local/sbin, ... (Docker runs it as an OCI runtime, by its path)".
Result<RuntimeHandler> docker_handler(const RuntimeHandler& planned, const std::string& root);

/// Plans adding/removing Docker runtimes in daemon.json text (nullopt: absent file). Malformed
/// JSON: "<path> is not valid JSON: <reason>" (usage).
Result<ConfigEdit> plan_docker_install(const std::string& path,
                                       const std::optional<std::string>& current,
                                       const std::vector<RuntimeHandler>& handlers);
Result<ConfigEdit> plan_docker_uninstall(const std::string& path,
                                         const std::optional<std::string>& current,
                                         const std::vector<RuntimeHandler>& handlers);

/// Podman containers.conf `[engine.runtimes]` line for a handler: `<name> = ["<binary>", ...]`.
std::string podman_runtime_line(const RuntimeHandler& handler);

/// Plans adding/removing Podman runtimes in containers.conf text (nullopt: absent file).
/// `uninstall_flags` (e.g. "--config F") go into the markers' uninstall command.
Result<ConfigEdit> plan_podman_install(const std::string& path,
                                       const std::optional<std::string>& current,
                                       const std::vector<RuntimeHandler>& handlers,
                                       const std::string& uninstall_flags = "");
Result<ConfigEdit> plan_podman_uninstall(const std::string& path,
                                         const std::optional<std::string>& current,
                                         const std::vector<std::string>& runtimes);

/// install/uninstall for --engine docker|podman (called by installer.cc); check_only: only the
/// checks made before anything changes (check_install). Docker, plan then act: unless --dry-run
/// or --no-restart, /info is asked before anything is written ("cannot reach Docker at <socket>:
/// ...; start it, or use --no-restart to only write the file"), a runtimeType entry is refused
/// on an Engine older than 24.0, the adapters are copied, daemon.json is written, dockerd is
/// reloaded (choose_docker_reload) and /info is polled until it lists each runtime exactly as
/// written (install) or no longer lists it (uninstall); else a kCheckFailed error.
Result<InstallReport> install_engine(const InstallRequest& request, const NodeHooks& hooks,
                                     bool check_only);
Result<InstallReport> uninstall_engine(const InstallRequest& request, const NodeHooks& hooks);

}  // namespace mkata::node
