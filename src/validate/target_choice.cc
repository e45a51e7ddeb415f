// See target_choice.h.
#include "validate/target_choice.h"

#include <algorithm>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "engine/docker_engine.h"
#include "engine/podman_engine.h"
#include "host/host_root.h"
#include "host/process_limits.h"
#include "kube/kube_client.h"
#include "validate/embedded_target.h"
#include "validate/engine_target.h"
#include "validate/kube_target.h"

namespace mkata::validate {

namespace {

// The kube target of --target kube|microk8s, connected.
Result<std::unique_ptr<KubeTarget>> make_kube_target(const ValidateOptions& o) {
  kube::KubectlOptions kubectl;
  if (o.target == "microk8s") {
    kubectl.program = {"microk8s", "kubectl"};
    if (o.kubectl.empty() && !find_executable("microk8s")) {
      return fail(
          Error("--target microk8s: the microk8s command is not installed here (snap "
                "install microk8s --classic); for another cluster use --target kube "
                "with its kubeconfig"));
    }
  }
  if (!o.kubectl.empty()) kubectl.program = {o.kubectl};
  kubectl.kubeconfig = o.kubeconfig;
  kubectl.context = o.kube_context;
  KubeTargetOptions options;
  options.image_prefix = o.image_prefix;
  options.keep = o.keep;
  options.all_nodes = o.all_nodes;
  options.registry = o.registry;
  options.registry_insecure = o.registry_insecure;
  options.ready_timeout = o.ready_timeout;
  options.workload_dir = o.workload_dir;
  if (o.target == "microk8s" && o.image_prefix.empty() && o.registry.empty()) {
    // The snap's containerd: the images are imported there and never pulled.
    options.import_address = "/var/snap/microk8s/common/run/containerd.sock";
    options.image_pull_policy = "Never";
  }
  auto target =
      std::make_unique<KubeTarget>(std::make_unique<kube::KubectlClient>(kubectl), options);
  if (auto r = target->connect(); !r) return fail(r.error());
  return target;
}

}  // namespace

std::string detect_target() {
  bool microk8s = find_executable("microk8s").has_value() &&
                  path_exists("/var/snap/microk8s/common/run/containerd.sock");
  return microk8s ? "microk8s" : "embedded";
}

Result<std::unique_ptr<Target>> make_target(const ValidateOptions& o) {
  if (o.target == "embedded") {
    if (auto r = o.node.validate(); !r) return fail(r.error());
    return std::unique_ptr<Target>(std::make_unique<EmbeddedTarget>(
        EmbeddedTargetOptions{o.node, o.keep, o.workload_dir, o.handler_overrides, o.containerd}));
  }
  if (o.target == "kube" || o.target == "microk8s") {
    auto target = make_kube_target(o);
    if (!target) return fail(target.error());
    return std::unique_ptr<Target>(std::move(*target));
  }
  std::unique_ptr<engine::ContainerEngine> engine;
  EngineTargetOptions options;
  options.network = o.engine_network;
  options.keep = o.keep;
  options.workload_dir = o.workload_dir;
  if (o.target == "docker") {
    std::string socket = o.docker_socket.empty() ? "/var/run/docker.sock" : o.docker_socket;
    engine = std::make_unique<engine::DockerEngine>(socket);
  } else if (o.target == "podman") {
    engine = std::make_unique<engine::PodmanEngine>();
    auto limits = host::probe_process_limits(*host::live_host());
    for (const auto& [name, value] : host::podman_ulimits(limits)) {
      options.ulimits.push_back({name, value, value});
    }
    if (auto note = host::podman_limits_note(limits)) options.notes.push_back(*note);
    // Each exit_code() ask is a podman process: once a second is enough to see a crash early.
    options.inspect_interval = std::chrono::milliseconds(1000);
  } else {
    return fail(Error::usage("unknown target '" + o.target +
                             "' (accepted: embedded, docker, podman, kube, microk8s)"));
  }
  if (auto r = engine->connect(); !r) return fail(r.error());
  return std::unique_ptr<Target>(std::make_unique<EngineTarget>(std::move(engine), options));
}

Result<std::vector<std::string>> cleanup_cluster(const ValidateOptions& o) {
  auto target = make_kube_target(o);
  if (!target) return fail(target.error());
  return (*target)->cleanup_left_behind();
}

}  // namespace mkata::validate
