// The Kubernetes objects of a validation run, rendered from the one workload description
// (validate::WorkloadSpec) that the embedded node renders to CRI and Docker/Podman to an engine
// container: so a cluster runs exactly what the other targets run. Objects are
// nlohmann::ordered_json values (kubectl takes JSON; the key order is fixed, so the output is
// deterministic), printed for people by to_yaml() (kube/yaml_text.h).
//
// Per workload and runtime: a Deployment (one replica) and a ClusterIP Service. The pod passes the
// Pod Security "restricted" profile, which the run's Namespace enforces: non-root 65532:65532
// (the images' user, image/image_set.h), read-only root filesystem, no privilege escalation, all
// capabilities dropped, RuntimeDefault seccomp, no service-account token, no service links. The
// RuntimeClass of a sandbox runtime reuses install's handler names and overheads
// (node/runtime_class.h). docs/kube.md explains every field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "kube/yaml_text.h"
#include "node/runtime_class.h"
#include "validate/workload_spec.h"

namespace mkata::kube {

/// Where and how one workload runs on a cluster.
struct KubePlacement {
  std::string run_id;          ///< label mkata.dev/run (a DNS-1123 label, ≤ 48 characters)
  std::string namespace_name;  ///< "mkata-validate-<run_id>"
  std::string runtime;         ///< mkata runtime name (label mkata.dev/runtime)
  std::string runtime_class;   ///< runtimeClassName ("" = none: the cluster default, runc)
  std::string node_name;       ///< "" = any; else node affinity on kubernetes.io/hostname
  std::string image_pull_policy = "IfNotPresent";  ///< "Never" for images imported into the node
};

/// The label every object mkata creates carries (with value "mkata").
inline constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
inline constexpr char kRunLabel[] = "mkata.dev/run";
/// The container port and its name (the Service's targetPort).
inline constexpr char kPortName[] = "http";

/// The container's resources. Each server idles at ~1.2 MiB RSS (docs/workloads.md) and the
/// autoscale check allocates 5 MiB; autoscale's memory guard keeps 32 MiB free under the cgroup
/// limit, so the 128Mi limit leaves ~90 MiB for bloat requests. Requests are what the scheduler
/// reserves: small, so eight pods fit on a small CI node.
inline constexpr char kCpuRequest[] = "50m";
inline constexpr char kMemoryRequest[] = "32Mi";
inline constexpr char kCpuLimit[] = "1";
inline constexpr char kMemoryLimit[] = "128Mi";
/// Seconds between SIGTERM and SIGKILL: the servers stop at once on SIGTERM.
inline constexpr int kTerminationGraceSeconds = 5;

/// "mkata-validate-<run_id>".
std::string namespace_for_run(const std::string& run_id);

/// Checks a placement before anything is rendered (the render_* functions below trust their
/// inputs: call this first, as render_manifest_set does). Usage errors naming the field and value:
/// "run id 'X_1': must be 1 to 48 lowercase letters, digits or '-', starting and ending with a
/// letter or digit"; "namespace 'A': must be a DNS-1123 label (1 to 63 lowercase letters, digits
/// or '-', starting and ending with a letter or digit)"; "node name '...': must be a DNS-1123
/// subdomain (1 to 253 lowercase letters, digits, '-' or '.')"; "runtime class '...': must be a
/// DNS-1123 subdomain ..."; "image pull policy 'sometimes' (accepted: Always, IfNotPresent,
/// Never)"; "runtime '' ...: must be a DNS-1123 label ...".
Result<void> check_placement(const KubePlacement& placement);

/// The Deployment's and Service's name: "<workload>-<runtime>", plus "-<node>" when node_name is
/// set (characters outside [a-z0-9-] become '-'). A DNS-1035 label: when longer than 63
/// characters it is cut to 54 and ends in "-" + 8 hex digits of a hash of the whole name, so two
/// long node names never share an object name.
std::string object_name(const validate::WorkloadSpec& w, const KubePlacement& p);

/// The run's Namespace: labels managed-by mkata, mkata.dev/run, and Pod Security admission
/// enforcing "restricted" (so a manifest that weakens the pod is refused by the cluster).
nlohmann::ordered_json render_namespace(const std::string& name, const std::string& run_id);

/// The workload's Deployment (apps/v1): one replica, selector app.kubernetes.io/name +
/// app.kubernetes.io/instance (= object_name, unique per runtime and node), pod labels adding
/// managed-by and mkata.dev/{run,runtime,workload}; the restricted pod described above, a
/// readinessProbe httpGet on ready_path (ready_port, else port) every second, resources, and
/// node affinity on kubernetes.io/hostname when node_name is set.
nlohmann::ordered_json render_deployment(const validate::WorkloadSpec& w, const KubePlacement& p);

/// The workload's Service (v1): ClusterIP, port `w.port` → targetPort "http", the Deployment's
/// selector, the Deployment's labels.
nlohmann::ordered_json render_service(const validate::WorkloadSpec& w, const KubePlacement& p);

/// A RuntimeClass (node.k8s.io/v1) mkata creates: labels managed-by mkata and mkata.dev/run
/// (cleanup finds it by label), the handler, overhead.podFixed when given.
nlohmann::ordered_json render_runtime_class(const std::string& name, const std::string& handler,
                                            const std::optional<node::PodOverhead>& overhead,
                                            const std::string& run_id);

/// The objects as one v1 List (`{"apiVersion": "v1", "kind": "List", "items": [...]}`), which
/// `kubectl apply -f -` takes as one document.
nlohmann::ordered_json list_of(const std::vector<nlohmann::ordered_json>& objects);

}  // namespace mkata::kube
