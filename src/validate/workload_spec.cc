// See workload_spec.h.
#include "validate/workload_spec.h"

#include "image/image_set.h"
#include "validate/answers.h"

namespace mkata::validate {

std::vector<WorkloadSpec> validation_workloads(const std::string& runtime,
                                               const std::map<std::string, std::string>& images) {
  auto image = [&](const std::string& name) {
    auto it = images.find(name);
    return it == images.end() ? std::string() : it->second;
  };
  WorkloadSpec hello{"helloworld",
                     image("helloworld"),
                     {{"TARGET", helloworld_target(runtime)}},
                     {},
                     8080,
                     "/healthz",
                     0,
                     "/"};
  WorkloadSpec autoscale{"autoscale", image("autoscale"), {}, {},
                         8080,        "/healthz",         0,  kAutoscaleQuery};
  return {hello, autoscale};
}

cri::PodSpec render_pod_spec(const WorkloadSpec& w, const PodPlacement& p) {
  cri::PodSpec pod;
  pod.name = w.name + "-" + p.runtime;
  pod.uid = p.uid;
  pod.namespace_name = "mkata-validate";
  pod.hostname = pod.name;
  pod.log_directory = p.log_directory;
  pod.labels = {{"mkata.dev/node", p.node_name},
                {"mkata.dev/runtime", p.runtime},
                {"mkata.dev/workload", w.name}};
  pod.cgroup_parent = p.cgroup_parent;
  pod.runtime_handler = p.handler;
  return pod;
}

cri::ContainerSpec render_container_spec(const WorkloadSpec& w) {
  cri::ContainerSpec c;
  c.name = w.name;
  c.image = w.image;
  c.command = w.command;
  c.envs = w.env;
  c.envs.emplace_back("PORT", std::to_string(w.port));
  c.labels = {{"mkata.dev/workload", w.name}};
  c.log_path = w.name + ".log";
  // Hardened as on every target (the engines' containers, the kube manifests): the image's
  // non-root user, read-only root filesystem, no new privileges, no capabilities.
  c.run_as_user = image::kImageUid;
  c.run_as_group = image::kImageUid;
  c.readonly_rootfs = true;
  c.no_new_privs = true;
  c.drop_capabilities = {"ALL"};
  return c;
}

engine::EngineContainer render_engine_container(const WorkloadSpec& w, const EnginePlacement& p) {
  engine::EngineContainer c;
  c.name = p.name;
  c.image = w.image;
  c.command = w.command;
  c.env = w.env;
  c.env.emplace_back("PORT", std::to_string(w.port));
  c.user = image::kImageUser;
  c.labels = {{"mkata.dev/run", p.run_id},
              {"mkata.dev/runtime", p.runtime},
              {"mkata.dev/workload", w.name}};
  c.runtime = p.engine_runtime;
  c.network = p.network;
  c.ulimits = p.ulimits;
  return c;
}

}  // namespace mkata::validate
