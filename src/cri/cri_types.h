// Plain C++ values for what mkata sends to and reads from a CRI runtime (containerd's CRI plugin):
// a pod, a container, their statuses, the runtime's status. Callers build and read these and
// never touch the generated protobuf types, which stay inside src/cri/ (cri_mapping.cc). Only
// the fields mkata uses are here; each maps 1:1 onto a field of the public runtime.v1 API
// (runtime_v1.proto), with the same meaning and defaults as there.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mkata::cri {

using StringMap = std::map<std::string, std::string>;

/// CRI NamespaceMode: POD shares among the pod's containers, NODE is the host's.
enum class NamespaceMode { kPod, kContainer, kNode };

/// CRI Protocol of a port mapping.
enum class Protocol { kTcp, kUdp, kSctp };

/// A hostPort → containerPort mapping, handled by the CNI portmap plugin.
struct PortMapping {
  Protocol protocol = Protocol::kTcp;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;  ///< empty: every address
};

/// What RunPodSandbox needs (PodSandboxConfig + runtime_handler).
struct PodSpec {
  std::string name;
  std::string uid;
  std::string namespace_name = "default";
  uint32_t attempt = 0;
  std::string hostname;
  std::string log_directory;  ///< absolute; containers' log_path is relative to it
  std::vector<std::string> dns_servers;
  std::vector<std::string> dns_searches;
  std::vector<std::string> dns_options;
  std::vector<PortMapping> port_mappings;
  StringMap labels;
  StringMap annotations;
  std::string cgroup_parent;
  NamespaceMode network = NamespaceMode::kPod;  ///< kNode: host network, no CNI
  NamespaceMode pid = NamespaceMode::kPod;
  NamespaceMode ipc = NamespaceMode::kPod;
  std::string runtime_handler;  ///< containerd runtimes key; empty = the default runtime
};

/// Linux resources of a container (0 = not specified, as in CRI).
struct ContainerResources {
  int64_t cpu_period = 0;
  int64_t cpu_quota = 0;
  int64_t cpu_shares = 0;
  int64_t memory_limit_in_bytes = 0;
};

/// What CreateContainer needs (ContainerConfig).
struct ContainerSpec {
  std::string name;
  uint32_t attempt = 0;
  std::string image;  ///< a name the runtime resolves locally, e.g. "docker.io/mkata/hello:1"
  std::vector<std::string> command;  ///< empty: the image's Entrypoint
  std::vector<std::string> args;     ///< empty: the image's Cmd
  std::string working_dir;
  std::vector<std::pair<std::string, std::string>> envs;  ///< in order
  StringMap labels;
  StringMap annotations;
  std::string log_path;  ///< relative to PodSpec::log_directory; empty: no log
  ContainerResources resources;
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  bool readonly_rootfs = false;
  bool no_new_privs = false;
  std::vector<std::string> drop_capabilities;  ///< e.g. {"ALL"}
};

/// CRI PodSandboxState.
enum class PodState { kReady, kNotReady };

/// PodSandboxStatus (+ the verbose info map).
struct PodStatus {
  std::string id;
  std::string name;
  std::string namespace_name;
  std::string uid;
  uint32_t attempt = 0;
  PodState state = PodState::kNotReady;
  int64_t created_at_ns = 0;
  std::string ip;  ///< empty for host-network pods
  std::vector<std::string> additional_ips;
  std::string runtime_handler;
  StringMap labels;
  StringMap annotations;
  StringMap info;  ///< verbose only; values are JSON (containerd: "info" holds pid, netns, ...)
};

/// An entry of ListPodSandbox.
struct PodSummary {
  std::string id;
  std::string name;
  std::string namespace_name;
  PodState state = PodState::kNotReady;
  int64_t created_at_ns = 0;
  std::string runtime_handler;
  StringMap labels;
};

/// CRI ContainerState.
enum class ContainerState { kCreated, kRunning, kExited, kUnknown };

/// ContainerStatus (+ the verbose info map).
struct ContainerStatus {
  std::string id;
  std::string name;
  uint32_t attempt = 0;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at_ns = 0;
  int64_t started_at_ns = 0;
  int64_t finished_at_ns = 0;
  int32_t exit_code = 0;
  std::string image;
  std::string image_ref;
  std::string reason;
  std::string message;
  std::string log_path;
  StringMap labels;
  StringMap annotations;
  StringMap info;  ///< verbose only; containerd's "info" JSON holds the pid and the OCI spec
};

/// An entry of ListContainers.
struct ContainerSummary {
  std::string id;
  std::string pod_id;
  std::string name;
  std::string image;
  std::string image_ref;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at_ns = 0;
  StringMap labels;
};

/// VersionResponse.
struct VersionInfo {
  std::string version;              ///< the CRI API version ("0.1.0")
  std::string runtime_name;         ///< "containerd"
  std::string runtime_version;      ///< e.g. "1.6.20~ds1"
  std::string runtime_api_version;  ///< "v1"
};

/// One RuntimeCondition (RuntimeReady, NetworkReady, ...).
struct RuntimeCondition {
  std::string type;
  bool status = false;
  std::string reason;
  std::string message;
};

/// StatusResponse: conditions and, when asked verbosely, the info map (containerd: "config" is
/// the loaded CRI config as JSON, "cniconfig", "golang", "lastCNILoadStatus", ...).
struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
  StringMap info;
  /// The condition of this type, or nullptr.
  const RuntimeCondition* condition(const std::string& type) const {
    for (const auto& c : conditions) {
      if (c.type == type) return &c;
    }
    return nullptr;
  }
  /// True when the condition exists and is true.
  bool is(const std::string& type) const {
    const auto* c = condition(type);
    return c != nullptr && c->status;
  }
};

/// A runtime handler as containerd LOADED it (from the verbose Status "config" JSON).
struct LoadedRuntimeHandler {
  std::string runtime_type;  ///< e.g. "io.containerd.runc.v2"
  StringMap options;         ///< e.g. {"BinaryName": "/x/mkata-runsc-adapter", "Root": "/run/y"}
};

/// An image known to the runtime (ListImages / ImageStatus).
struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  uint64_t size = 0;
  std::optional<int64_t> uid;
  std::string username;
};

/// Names for messages and reports ("RUNNING", "SANDBOX_READY", ...), as CRI spells them.
const char* to_string(ContainerState state);
const char* to_string(PodState state);

}  // namespace mkata::cri
