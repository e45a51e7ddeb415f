// mkata-runsc-adapter: lets containerd 1.6's generic runc shim (io.containerd.runc.v2) drive the
// runsc of Debian 12 (0.0~20221219), which has no containerd-shim-runsc-v1 of its own. The shim
// speaks runc's command line; runsc understands it, except for four behaviours measured here
// (LAB-NOTES.md §gVisor) that the adapter fixes:
//  1. runsc thinks every netns is the root one on kernels >= ~6.7 (/proc/sys/net/core/
//     rmem_default exists everywhere) and refuses to set up the pod network: `runsc start`
//     runs in a private mount namespace with an empty read-only tmpfs over /proc/sys/net.
//  2. `runsc start` hands its stdout/stderr to the sandbox, so the shim waits forever for EOF:
//     its output goes to a file instead.
//  3. runsc writes the SANDBOX's pid into an app container's pid-file, so the shim never sees
//     the container exit and StopContainer hangs: a small waiter (polls `runsc state` until the
//     container runs, then `runsc wait`) is put in the pid-file and exits with the container.
//  4. `runsc kill` fails in ways the shim does not understand ("cannot signal container ... in
//     state created", "sandbox is not running"): a never-started container is force-deleted and
//     the shim is told "container not running", which it treats as already exited.
// Everything else is passed to runsc unchanged (plus --platform and configured flags).
#pragma once

#include <string>
#include <vector>

#include "adapters/adapter_config.h"
#include "adapters/adapter_system.h"
#include "adapters/runc_command_line.h"
#include "core/error.h"

namespace mkata::adapters {

/// runsc + the shim's global flags (with --root replaced when configured) + --platform + the
/// configured flags. `with_log` false drops --log/--log-format (for the waiter, which outlives
/// the bundle directory the log lives in).
std::vector<std::string> runsc_global_argv(const RunscAdapterConfig& config,
                                           const RuncCommandLine& line, bool with_log = true);

/// Runs one adapter invocation and returns the exit code for the shim. An Error is printed by
/// main() on stderr (which the shim quotes) and becomes exit 1.
Result<int> run_runsc_adapter(const RunscAdapterConfig& config, const RuncCommandLine& line,
                              AdapterSystem& system);

/// The waiter's body: polls `<prefix> state <id>` until the container leaves "created", then
/// `<prefix> wait <id>`, and returns the container's exit status (137 if it vanished).
int wait_for_container(AdapterSystem& system, const std::vector<std::string>& prefix,
                       const std::string& id);

/// True when the bundle's config.json gives the container a network namespace of its own (a
/// pod's netns), as opposed to the host's (no "network" entry in linux.namespaces).
bool has_own_network_namespace(const std::string& config_json);

/// True when the bundle's config.json marks an app container of a CRI pod (annotation
/// io.kubernetes.cri.container-type = "container"), i.e. runsc will write the sandbox's pid.
bool is_pod_app_container(const std::string& config_json);

}  // namespace mkata::adapters
