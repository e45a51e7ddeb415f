// What `mkata validate --target kube` reads from a cluster, as plain values parsed from the
// Kubernetes API's JSON (the shapes `kubectl get … -o json` prints): nodes with their
// status.nodeInfo (bootID and kernelVersion are what the isolation rules compare a pod's /info
// with) and, on recent kubelets, status.runtimeHandlers (the handlers the node's runtime
// reports); RuntimeClasses (name → handler, and whether mkata created it); pods (where they run,
// their IP, why a container waits or exited); and events (why a pod never became ready, e.g.
// FailedCreatePodSandBox "no runtime for \"kata\" is configured").
//
// Parsing is separate from the transport (kube_client.h) so that it is tested on real shapes.
// Untrusted input: a malformed document is an error value, never a crash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::kube {

/// One node.
struct NodeFacts {
  std::string name;
  bool ready = false;          ///< condition Ready = True
  bool schedulable = true;     ///< !spec.unschedulable
  std::string boot_id;         ///< status.nodeInfo.bootID
  std::string kernel_version;  ///< status.nodeInfo.kernelVersion (uname -r)
  std::string os_image;
  std::string kubelet_version;
  std::string container_runtime_version;  ///< "containerd://2.1.3"
  /// status.runtimeHandlers names ("" is the default handler); nullopt when the kubelet does not
  /// report them (before Kubernetes 1.30).
  std::optional<std::vector<std::string>> runtime_handlers;
};

/// One RuntimeClass.
struct RuntimeClassFacts {
  std::string name;
  std::string handler;
  bool created_by_mkata = false;  ///< label app.kubernetes.io/managed-by=mkata
  std::string run_id;             ///< label mkata.dev/run ("" when absent)
};

/// One container's state in a pod.
struct ContainerFacts {
  std::string name;
  bool ready = false;
  std::string waiting_reason;  ///< e.g. "CrashLoopBackOff", "ErrImageNeverPull"
  std::string waiting_message;
  std::optional<int> exit_code;  ///< state.terminated or lastState.terminated
  int restart_count = 0;
};

/// One pod.
struct PodFacts {
  std::string name;
  std::string node_name;  ///< spec.nodeName ("" while unscheduled)
  std::string pod_ip;
  std::string phase;  ///< Pending, Running, Succeeded, Failed, Unknown
  bool ready = false;
  std::vector<ContainerFacts> containers;
};

/// One event, as people read them in `kubectl describe`.
struct EventFacts {
  std::string object;  ///< involvedObject kind/name, e.g. "Pod/helloworld-kata-7d9f-abcde"
  std::string type;    ///< Normal, Warning
  std::string reason;  ///< e.g. "FailedCreatePodSandBox"
  std::string message;
};

/// Parses the items of a List (`kubectl get nodes -o json`). Error: "parse nodes: <what>".
Result<std::vector<NodeFacts>> parse_nodes(const std::string& json);
Result<std::vector<RuntimeClassFacts>> parse_runtime_classes(const std::string& json);
Result<std::vector<PodFacts>> parse_pods(const std::string& json);
Result<std::vector<EventFacts>> parse_events(const std::string& json);

/// The metadata.name of every item of a List (e.g. `get namespaces -l …`). Error: "parse <what>:
/// …".
Result<std::vector<std::string>> parse_names(const std::string& json, const std::string& what);

/// `kubectl version -o json`'s serverVersion.gitVersion ("v1.32.3"). Error when absent.
Result<std::string> parse_server_version(const std::string& json);

/// Why a pod is not ready, in one line for a report: its containers' waiting reasons and
/// messages, exit codes, and the Warning events about it, e.g. "container helloworld waiting:
/// ContainerCreating; Warning FailedCreatePodSandBox: … no runtime for \"kata\" is configured".
std::string explain_pod(const PodFacts& pod, const std::vector<EventFacts>& events);

}  // namespace mkata::kube
