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
#include "node/containerd_config.h"
#include "node/installer.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// Docker daemon.json entry for a handler: {"runtimeType": ...} for a containerd shim of its own,
/// {"path": BinaryName} for the runc-shim handlers. Error (usage) for runc: Docker's built-in.
Result<std::string> docker_runtime_json(const RuntimeHandler& handler);

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
/// checks made before anything changes (check_install).
Result<InstallReport> install_engine(const InstallRequest& request, const NodeHooks& hooks,
                                     bool check_only);
Result<InstallReport> uninstall_engine(const InstallRequest& request, const NodeHooks& hooks);

}  // namespace mkata::node
