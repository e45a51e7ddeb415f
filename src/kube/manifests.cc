// See manifests.h.
#include "kube/manifests.h"

#include <cstdint>
#include <cstdio>

#include "image/image_set.h"

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

constexpr char kNamespacePrefix[] = "mkata-validate-";
constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxRunId = kMaxLabel - (sizeof kNamespacePrefix - 1);
constexpr char kRestrictedPolicy[] = "restricted";

bool label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// RFC 1123 label as Kubernetes checks it: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most `max`.
bool dns_label(const std::string& s, size_t max = kMaxLabel) {
  if (s.empty() || s.size() > max || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!label_char(c)) return false;
  }
  return true;
}

// RFC 1123 subdomain: labels joined by '.', at most 253 characters.
bool dns_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!dns_label(s.substr(start, dot - start), 253)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

Error bad(const std::string& what, const std::string& value, const std::string& rule) {
  return Error::usage(what + " '" + value + "': " + rule);
}

const std::string kLabelRule =
    "must be a DNS-1123 label (1 to 63 lowercase letters, digits or '-', starting and ending with "
    "a letter or digit)";
const std::string kSubdomainRule =
    "must be a DNS-1123 subdomain (1 to 253 lowercase letters, digits, '-' or '.', each part "
    "starting and ending with a letter or digit)";

std::string fnv1a_hex(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

// The selector: unique per Deployment, so a Service never selects another runtime's or node's pod.
ordered_json selector_labels(const validate::WorkloadSpec& w, const KubePlacement& p) {
  return {{"app.kubernetes.io/name", w.name}, {"app.kubernetes.io/instance", object_name(w, p)}};
}

ordered_json object_labels(const validate::WorkloadSpec& w, const KubePlacement& p) {
  ordered_json labels = selector_labels(w, p);
  labels[kManagedByLabel] = "mkata";
  labels[kRunLabel] = p.run_id;
  labels["mkata.dev/runtime"] = p.runtime;
  labels["mkata.dev/workload"] = w.name;
  return labels;
}

ordered_json metadata(const std::string& name, const KubePlacement& p, ordered_json labels) {
  return {{"name", name}, {"namespace", p.namespace_name}, {"labels", std::move(labels)}};
}

ordered_json container(const validate::WorkloadSpec& w, const KubePlacement& p) {
  ordered_json c = {{"name", w.name}, {"image", w.image}, {"imagePullPolicy", p.image_pull_policy}};
  if (!w.command.empty()) c["command"] = w.command;
  ordered_json env = ordered_json::array();
  for (const auto& [name, value] : w.env) env.push_back({{"name", name}, {"value", value}});
  env.push_back({{"name", "PORT"}, {"value", std::to_string(w.port)}});
  c["env"] = env;
  c["ports"] =
      ordered_json::array({{{"name", kPortName}, {"containerPort", w.port}, {"protocol", "TCP"}}});
  c["readinessProbe"] = {{"httpGet",
                          {{"path", w.ready_path},
                           {"port", w.ready_port ? w.ready_port : w.port},
                           {"scheme", "HTTP"}}},
                         {"periodSeconds", 1},
                         {"timeoutSeconds", 1},
                         {"successThreshold", 1},
                         {"failureThreshold", 3}};
  c["resources"] = {{"requests", {{"cpu", kCpuRequest}, {"memory", kMemoryRequest}}},
                    {"limits", {{"cpu", kCpuLimit}, {"memory", kMemoryLimit}}}};
  c["securityContext"] = {{"allowPrivilegeEscalation", false},
                          {"readOnlyRootFilesystem", true},
                          {"capabilities", {{"drop", ordered_json::array({"ALL"})}}}};
  return c;
}

ordered_json node_affinity(const std::string& node) {
  ordered_json expression = {{"key", "kubernetes.io/hostname"},
                             {"operator", "In"},
                             {"values", ordered_json::array({node})}};
  ordered_json term = {{"matchExpressions", ordered_json::array({expression})}};
  return {{"nodeAffinity",
           {{"requiredDuringSchedulingIgnoredDuringExecution",
             {{"nodeSelectorTerms", ordered_json::array({term})}}}}}};
}

}  // namespace

std::string namespace_for_run(const std::string& run_id) { return kNamespacePrefix + run_id; }

Result<void> check_placement(const KubePlacement& p) {
  if (!dns_label(p.run_id, kMaxRunId)) {
    return fail(bad("run id", p.run_id,
                    "must be 1 to " + std::to_string(kMaxRunId) +
                        " lowercase letters, digits or '-', starting and ending with a letter or "
                        "digit"));
  }
  if (!dns_label(p.namespace_name)) return fail(bad("namespace", p.namespace_name, kLabelRule));
  if (!dns_label(p.runtime)) return fail(bad("runtime", p.runtime, kLabelRule));
  if (!p.runtime_class.empty() && !dns_subdomain(p.runtime_class)) {
    return fail(bad("runtime class", p.runtime_class, kSubdomainRule));
  }
  if (!p.node_name.empty() && !dns_subdomain(p.node_name)) {
    return fail(bad("node name", p.node_name, kSubdomainRule));
  }
  const auto& policy = p.image_pull_policy;
  if (policy != "Always" && policy != "IfNotPresent" && policy != "Never") {
    return fail(
        Error::usage("image pull policy '" + policy + "' (accepted: Always, IfNotPresent, Never)"));
  }
  return {};
}

std::string object_name(const validate::WorkloadSpec& w, const KubePlacement& p) {
  std::string name = w.name + "-" + p.runtime;
  if (!p.node_name.empty()) name += "-" + p.node_name;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!label_char(c)) c = '-';
  }
  if (name.size() <= kMaxLabel) return name;
  std::string cut = name.substr(0, kMaxLabel - 9);
  while (!cut.empty() && cut.back() == '-') cut.pop_back();
  return cut + "-" + fnv1a_hex(name);
}

ordered_json render_namespace(const std::string& name, const std::string& run_id) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata",
           {{"name", name},
            {"labels",
             {{kManagedByLabel, "mkata"},
              {kRunLabel, run_id},
              {"pod-security.kubernetes.io/enforce", kRestrictedPolicy},
              {"pod-security.kubernetes.io/warn", kRestrictedPolicy}}}}}};
}

ordered_json render_deployment(const validate::WorkloadSpec& w, const KubePlacement& p) {
  ordered_json pod_spec = ordered_json::object();
  if (!p.runtime_class.empty()) pod_spec["runtimeClassName"] = p.runtime_class;
  pod_spec["automountServiceAccountToken"] = false;
  pod_spec["enableServiceLinks"] = false;
  pod_spec["terminationGracePeriodSeconds"] = kTerminationGraceSeconds;
  pod_spec["securityContext"] = {{"runAsNonRoot", true},
                                 {"runAsUser", image::kImageUid},
                                 {"runAsGroup", image::kImageUid},
                                 {"seccompProfile", {{"type", "RuntimeDefault"}}}};
  if (!p.node_name.empty()) pod_spec["affinity"] = node_affinity(p.node_name);
  pod_spec["containers"] = ordered_json::array({container(w, p)});

  ordered_json labels = object_labels(w, p);
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", metadata(object_name(w, p), p, labels)},
          {"spec",
           {{"replicas", 1},
            {"selector", {{"matchLabels", selector_labels(w, p)}}},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
}

ordered_json render_service(const validate::WorkloadSpec& w, const KubePlacement& p) {
  ordered_json port = {
      {"name", kPortName}, {"port", w.port}, {"targetPort", kPortName}, {"protocol", "TCP"}};
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", metadata(object_name(w, p), p, object_labels(w, p))},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector", selector_labels(w, p)},
            {"ports", ordered_json::array({port})}}}};
}

ordered_json render_runtime_class(const std::string& name, const std::string& handler,
                                  const std::optional<node::PodOverhead>& overhead,
                                  const std::string& run_id) {
  ordered_json rc = {
      {"apiVersion", "node.k8s.io/v1"},
      {"kind", "RuntimeClass"},
      {"metadata", {{"name", name}, {"labels", {{kManagedByLabel, "mkata"}, {kRunLabel, run_id}}}}},
      {"handler", handler}};
  if (overhead) {
    rc["overhead"] = {{"podFixed", {{"cpu", overhead->cpu}, {"memory", overhead->memory}}}};
  }
  return rc;
}

ordered_json list_of(const std::vector<ordered_json>& objects) {
  return {{"apiVersion", "v1"}, {"kind", "List"}, {"items", ordered_json(objects)}};
}

}  // namespace mkata::kube
