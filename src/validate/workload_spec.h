// One C++ value per sample workload — image, environment, port, readiness and check requests —
// rendered to what a target needs: CRI PodSandboxConfig + ContainerConfig for the embedded node,
// an engine container (`docker run` / `podman run`: non-root, read-only root filesystem, no new
// privileges, all capabilities dropped) for Docker and Podman (here), Kubernetes
// Deployment/Service manifests for the kube target (kube/manifests.h: the same fields map onto a
// container spec, a readinessProbe and a Service port). Every target therefore runs exactly the
// same thing.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cri/cri_types.h"
#include "engine/container_engine.h"

namespace mkata::validate {

/// A sample workload as validate deploys it.
struct WorkloadSpec {
  std::string name;                                      ///< "helloworld", "autoscale"
  std::string image;                                     ///< e.g. "mkata.local/helloworld:0.1.0"
  std::vector<std::pair<std::string, std::string>> env;  ///< in order
  std::vector<std::string> command;                      ///< empty: the image's Entrypoint
  int port = 8080;
  std::string ready_path = "/healthz";  ///< readiness probe (HTTP 200)
  int ready_port = 0;  ///< the probe's port (as a readinessProbe's httpGet.port); 0: `port`
  std::string check_path = "/";  ///< the request whose answer is checked
};

/// The two workloads validate runs under `runtime` (helloworld with TARGET=<Runtime>
/// Containers, autoscale), from the node's images (workload → reference).
std::vector<WorkloadSpec> validation_workloads(const std::string& runtime,
                                               const std::map<std::string, std::string>& images);

/// Where and how a pod of a validation run is placed.
struct PodPlacement {
  std::string runtime;        ///< mkata runtime name (a label)
  std::string handler;        ///< CRI runtime handler
  std::string node_name;      ///< the node's network name (a label)
  std::string cgroup_parent;  ///< the node's cgroup parent
  std::string log_directory;  ///< absolute; the container log goes to <dir>/<workload>.log
  std::string uid;            ///< unique per pod
};

/// The CRI pod for a workload: pod network (CNI), pod PID/IPC namespaces, labels
/// mkata.dev/{node,runtime,workload}, the node's cgroup parent, the runtime handler.
cri::PodSpec render_pod_spec(const WorkloadSpec& workload, const PodPlacement& placement);

/// The CRI container: image, command, env (PORT included), log path.
cri::ContainerSpec render_container_spec(const WorkloadSpec& workload);

/// Where and how a container of a validation run is placed on an engine.
struct EnginePlacement {
  std::string runtime;         ///< mkata runtime name (a label)
  std::string engine_runtime;  ///< the engine's runtime name (`--runtime`)
  std::string name;            ///< the container's unique name
  std::string run_id;          ///< the validate run (a label)
  std::string network;         ///< "" = the engine's default
  std::vector<engine::Ulimit> ulimits;
};

/// The engine container for a workload: image, command, env (PORT included), the image's
/// non-root user, labels mkata.dev/{run,runtime,workload}, the runtime, the network, the ulimits,
/// read-only root filesystem, no new privileges, all capabilities dropped.
engine::EngineContainer render_engine_container(const WorkloadSpec& workload,
                                                const EnginePlacement& placement);

}  // namespace mkata::validate
