// One workload as one pod, exactly as kubelet runs it: RunPodSandbox (the pause sandbox, CNI,
// with the runtime handler), CreateContainer, StartContainer; then readiness by GET /healthz on
// the pod IP until HTTP 200 or a timeout; and teardown (StopPodSandbox, RemovePodSandbox). Each
// CRI call and the readiness wait are timed. Waiting polls interrupted() so that Ctrl-C unwinds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/error.h"
#include "embedded/embedded_node.h"
#include "validate/readiness.h"
#include "validate/workload_spec.h"

namespace mkata::validate {

/// A deployed (or partly deployed) pod and what each step took.
struct PodRun {
  WorkloadSpec workload;
  std::string pod_id;  ///< set as soon as RunPodSandbox returned (teardown needs it)
  std::string container_id;
  std::string ip;
  long long run_pod_ms = 0, create_ms = 0, start_ms = 0;
  long long ready_ms = 0;  ///< from the RunPodSandbox call to the first HTTP 200 on /healthz
};

/// Creates and starts `run.workload` as a pod (RunPodSandbox, CreateContainer, StartContainer)
/// and finds its IP; does not wait for readiness. t0 is when the deployment began (ready_ms
/// counts from it). The pod is recorded in the node's ledger right after RunPodSandbox.
/// Errors: "deploy helloworld: CRI RunPodSandbox (handler gvisor): ...".
Result<void> start_pod(const embedded::EmbeddedNode& node, const PodPlacement& placement,
                       PodRun& run);

/// The exit code of the pod's container once it has exited (nullopt while running or unknown).
std::optional<int> pod_exit_code(const embedded::EmbeddedNode& node, const PodRun& run);

/// start_pod(), then wait_until_ready() (readiness.h) on the pod IP. Errors:
///  - a CRI call failed: "deploy helloworld: CRI RunPodSandbox (handler gvisor): ...";
///  - never ready: "helloworld did not become ready within 5000 ms (last: GET
///    http://100.64.14.5:8080/healthz: Connection refused)"; when the container has exited,
///    "helloworld exited with code 1 before it became ready";
///  - Ctrl-C: kInterrupted "interrupted while waiting for helloworld".
/// The pod is recorded in the node's ledger right after RunPodSandbox.
Result<void> deploy_pod(const embedded::EmbeddedNode& node, const PodPlacement& placement,
                        std::chrono::milliseconds ready_timeout, PodRun& run);

/// Stops and removes the pod (nothing to do when it was never created).
Result<void> remove_pod(const embedded::EmbeddedNode& node, const PodRun& run);

}  // namespace mkata::validate
