// The Kubernetes target (`mkata validate --target kube`, PRODUCT.md, Targets): the user's own
// cluster runs the workloads as Deployments with a RuntimeClass, exactly the manifests `mkata
// manifests` prints (kube/manifest_set.h), through kube::KubeClient (kubectl from argv).
//
// - choose(): not this host's verdict but the cluster's: runc runs as the cluster default; a
//   sandbox runtime needs a RuntimeClass whose handler is one of its names (kube_handler_names).
//   An existing one is reused as it is — kata-deploy's, the MicroK8s addon's — and never changed
//   or deleted; otherwise mkata creates `mkata-<runtime>` for the run, when a node reports that
//   handler (status.runtimeHandlers) or no node reports handlers at all (kubelets before 1.30:
//   the pod then shows whether it runs). A handler no node has is skipped with that reason.
// - prepare(): preflight — the API answers, a node is Ready and schedulable, RBAC allows all the
//   run does (`auth can-i`, every denial named at once) — then the run's Namespace (labelled as
//   mkata's, Pod Security "restricted") and the RuntimeClasses mkata creates.
// - start(): applies the Deployment and Service, waits by `rollout status` (never by sleeping),
//   and on a timeout reports the pod's container states and Warning events; then reaches the pod
//   through `kubectl port-forward` on 127.0.0.1, which works on any cluster (no DNS, no route to
//   pod IPs needed).
// - placements(): with all_nodes, every Ready schedulable node that reports the runtime's handler
//   (all of them when nodes do not report handlers); each is one row of the report's matrix.
// - host_view_of(): the node the pod ran on (status.nodeInfo bootID and kernelVersion): that is
//   what runc must share and gVisor/Kata must not.
// - Images: pushed to `registry` (then run from there), or imported into the node's containerd
//   when import_address is set (MicroK8s), else
//   expected on the nodes or under image_prefix in a registry (a missing one shows as the pod's
//   ErrImagePull/ErrImageNeverPull in the report).
// - finish(): deletes the Namespace (and with it everything in it) and the RuntimeClasses mkata
//   created, waiting for them, unless kept.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/kube_client.h"
#include "kube/kube_objects.h"
#include "validate/target.h"

namespace mkata::validate {

/// The handler names that stand for a runtime on a cluster, in order of preference: what `mkata
/// install` registers, then the names of the runtimes' own installers (gVisor's "runsc";
/// kata-deploy's "kata-qemu", "kata-qemu-runtime-rs", "kata-clh").
std::vector<std::string> kube_handler_names(const std::string& runtime);

/// What the kube target needs from the run's options.
struct KubeTargetOptions {
  std::string image_prefix;  ///< "" = mkata.local/… (already on the nodes or imported)
  std::string image_pull_policy = "IfNotPresent";
  bool keep = false;  ///< leave the Namespace and the RuntimeClasses mkata created
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(120)};  ///< per Deployment
  std::chrono::seconds delete_timeout{std::chrono::seconds(120)};
  std::string run_id;  ///< "" = a random one
  /// Run every runtime on every Ready, schedulable node that has its handler (node affinity on
  /// kubernetes.io/hostname): the report is a node × runtime matrix.
  bool all_nodes = false;
  /// A node's containerd socket to import the images into before the run (single-node MicroK8s:
  /// the snap's, k8s.io namespace); "" = the images are on the nodes or pushed (image_prefix).
  std::string import_address;
  std::string workload_dir;  ///< workload binaries for the import ("" = the image module's lookup)
  /// Push the images there first (skopeo) and run them from there: "registry.example.com/mkata".
  std::string registry;
  bool registry_insecure = false;  ///< plain HTTP / unverified TLS for `registry`
};

class KubeTarget final : public Target {
 public:
  KubeTarget(std::unique_ptr<kube::KubeClient> client, KubeTargetOptions options);
  ~KubeTarget() override;

  /// Asks the cluster for its version and nodes. Error (environment): no answer, or no node is
  /// Ready and schedulable.
  Result<void> connect();

  /// `validate --target kube --cleanup`: deletes what runs killed before their cleanup left —
  /// every Namespace and RuntimeClass labelled app.kubernetes.io/managed-by=mkata with a
  /// mkata.dev/run — and returns what it deleted ("namespace/mkata-validate-…"). Nothing else is
  /// touched: a RuntimeClass without mkata's labels is the cluster's.
  Result<std::vector<std::string>> cleanup_left_behind();

  std::string name() const override { return "kube"; }
  std::string description() const override;
  std::vector<std::string> notes() const override { return notes_; }
  RuntimeChoice choose(const std::string& runtime, const host::HostFacts& facts,
                       const host::RuntimeVerdict& verdict) override;
  Result<std::map<std::string, RuntimeChoice>> prepare(
      const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
      std::vector<report::PhaseTiming>& timings) override;
  std::vector<std::string> placements(const std::string& runtime) override;
  std::map<std::string, std::string> images() const override;
  Result<void> start(Deployment& d) override;
  std::optional<int> exit_code(const Deployment&) override { return std::nullopt; }
  std::string logs(const Deployment&) override { return ""; }
  Result<void> remove(const Deployment& d) override;
  std::optional<KernelView> host_view_of(const Deployment& d) override;
  std::vector<report::ComponentVersion> versions() override;
  Result<void> finish(Progress& progress, std::vector<report::PhaseTiming>& timings) override;

 private:
  /// What the run does with one runtime's RuntimeClass.
  struct ClassPlan {
    std::string name;     ///< runtimeClassName ("" = the cluster default)
    std::string handler;  ///< its handler
    bool create = false;  ///< mkata creates it for this run
  };
  std::string namespace_name() const;
  Result<void> preflight(bool creates_classes);
  std::string not_ready_reason(const Deployment& d, const std::string& rollout_error);

  std::unique_ptr<kube::KubeClient> client_;
  KubeTargetOptions options_;
  std::string server_version_;
  std::vector<kube::NodeFacts> nodes_;
  std::vector<kube::RuntimeClassFacts> classes_;
  std::map<std::string, ClassPlan> plans_;  ///< runtime → its class
  std::vector<std::string> created_classes_;
  bool namespace_created_ = false;
  std::vector<std::string> notes_;
  std::mutex mutex_;                              ///< guards pod_nodes_ (parallel starts)
  std::map<std::string, std::string> pod_nodes_;  ///< deployment id → node name
};

}  // namespace mkata::validate
