// `mkata validate` (PRODUCT.md §Validation), the same story on every target (target.h): for each
// runtime in the order runc → crun → gvisor → kata, start helloworld and autoscale under it (both
// at once), wait until ready, check their answers, prove the isolation from /info, remove them —
// always, also on failure or Ctrl-C — and record every phase's timing. The target brings up what
// runs them (the embedded node: when none is running, and down again unless kept).
//
// Which runtimes run: those requested (default: all four) that `mkata check` judges usable. An
// unusable runtime is skipped with check's reason; one the user asked for by name fails instead.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/progress.h"
#include "embedded/containerd_program.h"
#include "embedded/node_options.h"
#include "host/installed_tools.h"
#include "node/runtime_handler.h"
#include "report/validation_record.h"
#include "validate/target.h"
#include "validate/workload_spec.h"

namespace mkata::validate {

/// The targets `--target` accepts.
inline constexpr const char* kTargetNames[] = {"embedded", "docker", "podman", "kube", "microk8s"};

/// Options of a validation run.
struct ValidateOptions {
  std::string target = "embedded";    ///< one of kTargetNames
  embedded::NodeOptions node;         ///< the embedded target's node
  std::string docker_socket;   ///< docker: the Engine API socket (engine::docker_socket_path)
  std::string engine_network;  ///< docker, podman: the network to join ("" = default)
  std::string kubeconfig;      ///< kube: --kubeconfig ("" = kubectl's own rules)
  std::string kube_context;    ///< kube: --context ("" = the current one)
  std::string kubectl;         ///< kube: the kubectl program ("" = kubectl in PATH)
  std::string image_prefix;    ///< kube: registry prefix of pushed images ("" = mkata.local/)
  bool all_nodes = false;      ///< kube: every runtime on every node that has its handler
  std::string registry;        ///< kube: push the images there first ("" = don't)
  bool registry_insecure = false;
  std::vector<std::string> runtimes;  ///< requested by name; empty = all four, none required
  bool keep = false;  ///< leave a node this run started running (docker, podman: the images)
  std::chrono::milliseconds ready_timeout{30000};  ///< per pod, from RunPodSandbox
  std::string workload_dir;  ///< workload binaries ("" = the image module's lookup)
  /// embedded: the containerd the node runs (`--containerd`; empty path = containerd on PATH).
  embedded::ContainerdProgram containerd{};
  /// The runsc gVisor runs (`--runsc`, host::tool_named_by_flag; empty path = the one check
  /// finds): check's verdict and platform choice are made for it.
  host::ToolInfo runsc{};

  // Test seams (not on the command line):
  /// Embedded target: replaces the handler of a runtime (which then counts as usable), e.g. a
  /// "gvisor" handler that really runs runc, to prove that validate catches a sandbox that is not
  /// one.
  std::map<std::string, node::RuntimeHandler> handler_overrides;
  /// Edits the workloads before they are deployed (e.g. one that never becomes ready).
  std::function<void(std::vector<WorkloadSpec>&)> adjust_workloads;
};

/// Runs the validation on `target` and returns its record (below).
Result<report::ValidationRecord> run_validation(const ValidateOptions& options, Target& target,
                                                Progress& progress);

/// Runs the validation on options.target and returns its record (record.passed says whether it
/// passed; when Ctrl-C stopped it, interrupted() is true and record.error says so). Errors are
/// environment failures outside any runtime (the host cannot be probed, the node cannot start,
/// the engine does not answer: "validate: docker: GET http://localhost/info on
/// /var/run/docker.sock: Couldn't connect to server").
Result<report::ValidationRecord> run_validation(const ValidateOptions& options, Progress& progress);

}  // namespace mkata::validate
