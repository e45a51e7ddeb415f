// See kube_target.h.
#include "validate/kube_target.h"

#include <algorithm>

#include "core/strings.h"
#include "core/timestamp.h"
#include "image/image_import.h"
#include "image/image_push.h"
#include "image/image_set.h"
#include "image/scratch_images.h"
#include "kube/manifest_set.h"
#include "kube/manifests.h"
#include "node/runtime_class.h"

namespace mkata::validate {
namespace {

using Clock = std::chrono::steady_clock;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string handler_list(const std::vector<std::string>& handlers) {
  std::vector<std::string> shown;
  for (const auto& h : handlers) shown.push_back(h.empty() ? "(default)" : h);
  return shown.empty() ? "none" : join(shown, ", ");
}

constexpr const char* kDefaultHandler = "(cluster default)";

}  // namespace

std::vector<std::string> kube_handler_names(const std::string& runtime) {
  if (runtime == "gvisor") return {"gvisor", "runsc"};
  if (runtime == "kata") return {"kata", "kata-qemu", "kata-qemu-runtime-rs", "kata-clh"};
  return {runtime};
}

KubeTarget::KubeTarget(std::unique_ptr<kube::KubeClient> client, KubeTargetOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (options_.run_id.empty()) options_.run_id = random_hex(12);
}

KubeTarget::~KubeTarget() { client_->stop_port_forwards(); }

std::string KubeTarget::namespace_name() const { return kube::namespace_for_run(options_.run_id); }

Result<void> KubeTarget::connect() {
  auto version = client_->version_json();
  if (!version) return fail(version.error().wrap(client_->describe()));
  auto server = kube::parse_server_version(*version);
  if (!server) return fail(server.error().wrap(client_->describe()));
  server_version_ = *server;
  auto nodes = client_->get_json("nodes", "", "");
  if (!nodes) return fail(nodes.error());
  auto parsed = kube::parse_nodes(*nodes);
  if (!parsed) return fail(parsed.error());
  nodes_ = *parsed;
  bool usable = std::any_of(nodes_.begin(), nodes_.end(),
                            [](const kube::NodeFacts& n) { return n.ready && n.schedulable; });
  if (!usable) {
    std::vector<std::string> seen;
    for (const auto& n : nodes_) {
      seen.push_back(n.name + (n.ready ? "" : " not Ready") +
                     (n.schedulable ? "" : " unschedulable"));
    }
    return fail("no node of the cluster is Ready and schedulable (" + handler_list(seen) + ")");
  }
  auto classes = client_->get_json("runtimeclasses", "", "");
  if (!classes) return fail(classes.error());
  auto parsed_classes = kube::parse_runtime_classes(*classes);
  if (!parsed_classes) return fail(parsed_classes.error());
  classes_ = *parsed_classes;
  return {};
}

Result<std::vector<std::string>> KubeTarget::cleanup_left_behind() {
  const std::string selector = std::string(kube::kManagedByLabel) + "=mkata," + kube::kRunLabel;
  std::vector<std::string> deleted;
  for (const auto& [kind, plural] :
       {std::pair{"namespace", "namespaces"}, std::pair{"runtimeclass", "runtimeclasses"}}) {
    auto list = client_->get_json(plural, "", selector);
    if (!list) return fail(list.error());
    auto names = kube::parse_names(*list, plural);
    if (!names) return fail(names.error());
    for (const auto& name : *names) {
      if (auto r = client_->remove(kind, name, "", options_.delete_timeout); !r) {
        return fail(r.error());
      }
      deleted.push_back(std::string(kind) + "/" + name);
    }
  }
  return deleted;
}

std::string KubeTarget::description() const {
  size_t ready = std::count_if(nodes_.begin(), nodes_.end(),
                               [](const kube::NodeFacts& n) { return n.ready && n.schedulable; });
  return "Kubernetes " + server_version_ + " through " + client_->describe() + ", " +
         std::to_string(ready) + " of " + std::to_string(nodes_.size()) +
         " nodes Ready and schedulable";
}

RuntimeChoice KubeTarget::choose(const std::string& runtime, const host::HostFacts&,
                                 const host::RuntimeVerdict&) {
  // This host's verdict does not matter: the cluster's nodes run the pods.
  if (runtime == "runc") {
    plans_[runtime] = {"", "", false};
    return {true, kDefaultHandler, ""};
  }
  auto names = kube_handler_names(runtime);
  for (const auto& name : names) {
    for (const auto& c : classes_) {
      if (c.handler == name) {
        plans_[runtime] = {c.name, c.handler, false};
        return {true, c.name, ""};
      }
    }
  }
  std::string own = "mkata-" + runtime;
  for (const auto& c : classes_) {
    if (c.name == own) {
      return {false, "",
              "RuntimeClass " + own + " exists with handler " + c.handler + ", which is not " +
                  join_or(names) + "; mkata does not change it"};
    }
  }
  std::vector<const kube::NodeFacts*> ready;
  for (const auto& n : nodes_) {
    if (n.ready && n.schedulable) ready.push_back(&n);
  }
  bool any_reports = std::any_of(ready.begin(), ready.end(), [](const kube::NodeFacts* n) {
    return n->runtime_handlers.has_value();
  });
  if (!any_reports) {
    plans_[runtime] = {own, names[0], true};
    notes_.push_back(runtime + ": no node reports its runtime handlers (kubelet before 1.30); " +
                     own + " names handler " + names[0] + ", unverified until the pod runs");
    return {true, own, ""};
  }
  for (const auto& name : names) {
    for (const auto* n : ready) {
      if (n->runtime_handlers && contains(*n->runtime_handlers, name)) {
        plans_[runtime] = {own, name, true};
        return {true, own, ""};
      }
    }
  }
  std::vector<std::string> have;
  for (const auto* n : ready) {
    if (n->runtime_handlers) have.push_back(n->name + " has " + handler_list(*n->runtime_handlers));
  }
  return {false, "",
          "no RuntimeClass has the handler " + join_or(names) + " and no Ready node reports it (" +
              join(have, "; ") + ")"};
}

Result<void> KubeTarget::preflight(bool creates_classes) {
  std::vector<std::tuple<std::string, std::string, std::string>> needs = {
      {"create", "namespaces", ""},
      {"delete", "namespaces", ""},
      {"create", "deployments", namespace_name()},
      {"create", "services", namespace_name()},
      {"list", "pods", namespace_name()},
      {"create", "pods/portforward", namespace_name()},
      {"list", "events", namespace_name()}};
  if (creates_classes) {
    needs.push_back({"create", "runtimeclasses.node.k8s.io", ""});
    needs.push_back({"delete", "runtimeclasses.node.k8s.io", ""});
  }
  std::vector<std::string> denied;
  for (const auto& [verb, resource, ns] : needs) {
    auto allowed = client_->can_i(verb, resource, ns);
    if (!allowed) return fail(allowed.error());
    if (!*allowed) denied.push_back(verb + " " + resource + (ns.empty() ? "" : " in " + ns));
  }
  if (!denied.empty()) {
    return fail("the cluster's RBAC does not allow what the run needs: " + join(denied, ", ") +
                " (asked " + client_->describe() + " auth can-i)");
  }
  return {};
}

Result<std::map<std::string, RuntimeChoice>> KubeTarget::prepare(
    const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
    std::vector<report::PhaseTiming>& timings) {
  if (chosen.empty()) return chosen;
  auto t0 = Clock::now();
  bool creates = false;
  for (const auto& [runtime, choice] : chosen) creates |= plans_.at(runtime).create;
  progress.step("preparing " + description());
  if (auto r = preflight(creates); !r) return fail(r.error());
  std::vector<nlohmann::ordered_json> objects = {
      kube::render_namespace(namespace_name(), options_.run_id)};
  for (const auto& [runtime, choice] : chosen) {
    const auto& plan = plans_.at(runtime);
    if (!plan.create) continue;
    objects.push_back(kube::render_runtime_class(plan.name, plan.handler,
                                                 node::default_overhead(runtime), options_.run_id));
  }
  auto list = kube::list_of(objects);
  // Recorded before the call: a partly applied list is still removed at finish().
  namespace_created_ = true;
  for (const auto& [runtime, choice] : chosen) {
    if (plans_.at(runtime).create) created_classes_.push_back(plans_.at(runtime).name);
  }
  if (auto r = client_->apply(list.dump()); !r) return fail(r.error());
  timings.push_back({"cluster_prepare", ms_since(t0)});
  if (!options_.registry.empty()) {
    progress.detail("pushing the workload images to " + options_.registry);
    auto t1 = Clock::now();
    auto prefix = kube::normalize_image_prefix(options_.registry);
    if (!prefix) return fail(prefix.error());
    auto built = image::ScratchImages::build(options_.workload_dir);
    if (!built) return fail(built.error());
    auto pushed =
        image::push_images(built->images(), {*prefix, options_.registry_insecure, "skopeo"});
    if (!pushed) return fail(pushed.error());
    options_.image_prefix = *prefix;
    timings.push_back({"images_push", ms_since(t1)});
    notes_.push_back("images pushed to " + *prefix + " (" + join(*pushed, ", ") + ")");
  }
  if (!options_.import_address.empty()) {
    progress.detail("importing the workload images into " + options_.import_address);
    auto t1 = Clock::now();
    auto built = image::ScratchImages::build(options_.workload_dir);
    if (!built) return fail(built.error());
    image::ImportOptions import;
    import.address = options_.import_address;
    if (auto imported = image::import_images(import, built->images()); !imported) {
      return fail(imported.error());
    }
    timings.push_back({"images_import", ms_since(t1)});
    notes_.push_back("images imported into " + options_.import_address +
                     " (namespace k8s.io) and left there for the next run");
  }
  return chosen;
}

std::vector<std::string> KubeTarget::placements(const std::string& runtime) {
  if (!options_.all_nodes) return {""};
  const auto& plan = plans_.at(runtime);
  // runc runs as the default handler, which every node has.
  std::string handler = plan.name.empty() ? "" : plan.handler;
  std::vector<std::string> nodes;
  for (const auto& n : nodes_) {
    if (!n.ready || !n.schedulable) continue;
    if (!handler.empty() && n.runtime_handlers && !contains(*n.runtime_handlers, handler)) continue;
    nodes.push_back(n.name);
  }
  return nodes;
}

std::map<std::string, std::string> KubeTarget::images() const {
  std::map<std::string, std::string> images;
  for (const char* name : {"helloworld", "autoscale"}) {
    auto reference = kube::prefixed_image(image::image_reference(name), options_.image_prefix);
    images[name] = reference ? *reference : image::image_reference(name);
  }
  return images;
}

std::string KubeTarget::not_ready_reason(const Deployment& d, const std::string& rollout_error) {
  std::string reason = d.workload.name + " did not become ready within " +
                       std::to_string(options_.ready_timeout.count()) + " ms";
  auto pods = client_->get_json("pods", namespace_name(), "app.kubernetes.io/instance=" + d.id);
  auto events = client_->get_json("events", namespace_name(), "");
  std::vector<kube::EventFacts> parsed_events;
  if (events) {
    if (auto e = kube::parse_events(*events)) parsed_events = *e;
  }
  std::vector<std::string> why;
  if (pods) {
    if (auto parsed = kube::parse_pods(*pods)) {
      for (const auto& p : *parsed) why.push_back(kube::explain_pod(p, parsed_events));
    }
  }
  if (why.empty()) why.push_back(rollout_error);
  return reason + ": " + join(why, "; ");
}

Result<void> KubeTarget::start(Deployment& d) {
  kube::KubePlacement placement;
  placement.run_id = options_.run_id;
  placement.namespace_name = namespace_name();
  placement.runtime = d.runtime;
  placement.runtime_class = plans_.at(d.runtime).name;
  placement.node_name = d.node;
  placement.image_pull_policy = options_.image_pull_policy;
  if (auto r = kube::check_placement(placement); !r) return fail(r.error());
  d.id = kube::object_name(d.workload, placement);
  auto list = kube::list_of({kube::render_deployment(d.workload, placement),
                             kube::render_service(d.workload, placement)});
  auto t0 = Clock::now();
  if (auto r = client_->apply(list.dump()); !r) {
    return fail(r.error().wrap("deploy " + d.workload.name));
  }
  d.timings.push_back({d.workload.name + "_apply", ms_since(t0)});
  auto t1 = Clock::now();
  auto rolled = client_->rollout_status(d.id, namespace_name(), options_.ready_timeout);
  d.timings.push_back({d.workload.name + "_rollout", ms_since(t1)});
  if (!rolled)
    return fail(Error(not_ready_reason(d, rolled.error().message()), ErrorKind::kCheckFailed));
  auto pods = client_->get_json("pods", namespace_name(), "app.kubernetes.io/instance=" + d.id);
  if (!pods) return fail(pods.error());
  auto parsed = kube::parse_pods(*pods);
  if (!parsed) return fail(parsed.error());
  const kube::PodFacts* pod = nullptr;
  for (const auto& p : *parsed) {
    if (p.ready) pod = &p;
  }
  if (!pod) return fail(Error(not_ready_reason(d, "no Ready pod"), ErrorKind::kCheckFailed));
  {
    std::lock_guard lock(mutex_);
    pod_nodes_[d.id] = pod->node_name;
  }
  d.address = "127.0.0.1";
  for (int port : {d.workload.port, d.workload.ready_port}) {
    if (port == 0 || d.ports.contains(port)) continue;
    auto local = client_->port_forward(pod->name, namespace_name(), port);
    if (!local) return fail(local.error().wrap("deploy " + d.workload.name));
    d.ports[port] = *local;
  }
  return {};
}

Result<void> KubeTarget::remove(const Deployment& d) {
  if (d.id.empty()) return {};
  std::vector<std::string> errors;
  for (const char* kind : {"deployment", "service"}) {
    if (auto r = client_->remove(kind, d.id, namespace_name(), options_.delete_timeout); !r) {
      errors.push_back(r.error().message());
    }
  }
  if (!errors.empty()) return fail(join(errors, "; "));
  return {};
}

std::optional<KernelView> KubeTarget::host_view_of(const Deployment& d) {
  std::string node_name;
  {
    std::lock_guard lock(mutex_);
    auto it = pod_nodes_.find(d.id);
    if (it == pod_nodes_.end()) return std::nullopt;
    node_name = it->second;
  }
  for (const auto& n : nodes_) {
    if (n.name != node_name) continue;
    KernelView v;
    v.kernel_release = n.kernel_version;  // nodeInfo.kernelVersion is `uname -r`
    if (!n.boot_id.empty()) v.boot_id = n.boot_id;
    v.hostname = n.name;
    return v;
  }
  return std::nullopt;
}

std::vector<report::ComponentVersion> KubeTarget::versions() {
  std::vector<report::ComponentVersion> v = {{"kubernetes", server_version_}};
  for (const auto& n : nodes_) {
    v.push_back({"node " + n.name, "kubelet " + n.kubelet_version + ", " +
                                       n.container_runtime_version + ", kernel " +
                                       n.kernel_version + ", " + n.os_image});
  }
  for (const auto& [runtime, plan] : plans_) {
    if (plan.name.empty()) continue;
    // status.runtimeHandlers, where kubelets report it: evidence that the kubelet sees it.
    std::vector<std::string> reporting;
    for (const auto& n : nodes_) {
      if (n.runtime_handlers && contains(*n.runtime_handlers, plan.handler)) {
        reporting.push_back(n.name);
      }
    }
    v.push_back({"runtimeclass " + plan.name,
                 "handler " + plan.handler +
                     (plan.create ? " (created for this run)" : " (the cluster's)") +
                     (reporting.empty() ? "" : "; reported by " + join(reporting, ", "))});
  }
  return v;
}

Result<void> KubeTarget::finish(Progress& progress, std::vector<report::PhaseTiming>& timings) {
  client_->stop_port_forwards();
  if (!namespace_created_) return {};
  if (options_.keep) {
    notes_.push_back(
        "kept: namespace " + namespace_name() +
        (created_classes_.empty() ? "" : ", RuntimeClasses " + join(created_classes_, ", ")));
    return {};
  }
  progress.step("deleting namespace " + namespace_name());
  auto t0 = Clock::now();
  std::vector<std::string> errors;
  if (auto r = client_->remove("namespace", namespace_name(), "", options_.delete_timeout); !r) {
    errors.push_back(r.error().message());
  }
  for (const auto& c : created_classes_) {
    if (auto r = client_->remove("runtimeclass", c, "", options_.delete_timeout); !r) {
      errors.push_back(r.error().message());
    }
  }
  timings.push_back({"cluster_cleanup", ms_since(t0)});
  namespace_created_ = false;
  created_classes_.clear();
  if (!errors.empty()) return fail(join(errors, "; "));
  return {};
}

}  // namespace mkata::validate
