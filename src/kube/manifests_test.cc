// The objects of one workload on a cluster, field by field: labels and selector, the restricted
// pod, the probe, resources, node affinity, and the names (DNS-1123, cut with a hash).
#include "kube/manifests.h"

#include <gtest/gtest.h>

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

validate::WorkloadSpec hello() {
  return validate::validation_workloads("gvisor",
                                        {{"helloworld", "mkata.local/helloworld:0.1.0"}})[0];
}

KubePlacement gvisor() {
  KubePlacement p;
  p.run_id = "r1";
  p.namespace_name = "mkata-validate-r1";
  p.runtime = "gvisor";
  p.runtime_class = "mkata-gvisor";
  return p;
}

TEST(KubeManifests, DeploymentLabelsSelectorAndPod) {
  auto d = render_deployment(hello(), gvisor());
  EXPECT_EQ(d["apiVersion"], "apps/v1");
  EXPECT_EQ(d["kind"], "Deployment");
  EXPECT_EQ(d["metadata"]["name"], "helloworld-gvisor");
  EXPECT_EQ(d["metadata"]["namespace"], "mkata-validate-r1");
  ordered_json labels = {{"app.kubernetes.io/name", "helloworld"},
                         {"app.kubernetes.io/instance", "helloworld-gvisor"},
                         {"app.kubernetes.io/managed-by", "mkata"},
                         {"mkata.dev/run", "r1"},
                         {"mkata.dev/runtime", "gvisor"},
                         {"mkata.dev/workload", "helloworld"}};
  EXPECT_EQ(d["metadata"]["labels"], labels);
  EXPECT_EQ(d["spec"]["replicas"], 1);
  EXPECT_EQ(d["spec"]["selector"],
            ordered_json({{"matchLabels",
                           {{"app.kubernetes.io/name", "helloworld"},
                            {"app.kubernetes.io/instance", "helloworld-gvisor"}}}}));
  EXPECT_EQ(d["spec"]["template"]["metadata"]["labels"], labels);
  const auto& pod = d["spec"]["template"]["spec"];
  EXPECT_EQ(pod["runtimeClassName"], "mkata-gvisor");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["enableServiceLinks"], false);
  EXPECT_EQ(pod["terminationGracePeriodSeconds"], 5);
  EXPECT_EQ(pod["securityContext"], ordered_json::parse(R"({"runAsNonRoot":true,"runAsUser":65532,
      "runAsGroup":65532,"seccompProfile":{"type":"RuntimeDefault"}})"));
  EXPECT_FALSE(pod.contains("affinity"));
  ASSERT_EQ(pod["containers"].size(), 1u);
}

TEST(KubeManifests, ContainerFromTheWorkloadSpec) {
  auto c = render_deployment(hello(), gvisor())["spec"]["template"]["spec"]["containers"][0];
  auto expected = ordered_json::parse(R"({
    "name": "helloworld",
    "image": "mkata.local/helloworld:0.1.0",
    "imagePullPolicy": "IfNotPresent",
    "env": [{"name": "TARGET", "value": "gVisor Containers"}, {"name": "PORT", "value": "8080"}],
    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                       "periodSeconds": 1, "timeoutSeconds": 1, "successThreshold": 1,
                       "failureThreshold": 3},
    "resources": {"requests": {"cpu": "50m", "memory": "32Mi"},
                  "limits": {"cpu": "1", "memory": "128Mi"}},
    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                        "capabilities": {"drop": ["ALL"]}}})");
  EXPECT_EQ(c, expected) << c.dump(2);
}

TEST(KubeManifests, CommandProbePortAndPullPolicyFollowTheSpec) {
  auto w = hello();
  w.command = {"/helloworld", "--x"};
  w.ready_port = 9090;
  w.ready_path = "/ready";
  auto p = gvisor();
  p.image_pull_policy = "Never";
  auto c = render_deployment(w, p)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["command"], ordered_json({"/helloworld", "--x"}));
  EXPECT_EQ(c["imagePullPolicy"], "Never");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["port"], 9090);
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"], "/ready");
}

TEST(KubeManifests, RuncHasNoRuntimeClassName) {
  auto p = gvisor();
  p.runtime = "runc";
  p.runtime_class = "";
  auto d = render_deployment(hello(), p);
  EXPECT_FALSE(d["spec"]["template"]["spec"].contains("runtimeClassName"));
  EXPECT_EQ(d["metadata"]["name"], "helloworld-runc");
}

TEST(KubeManifests, NodeAffinityAndNodeInTheName) {
  auto p = gvisor();
  p.node_name = "worker-2.example";
  auto d = render_deployment(hello(), p);
  EXPECT_EQ(d["metadata"]["name"], "helloworld-gvisor-worker-2-example");
  EXPECT_EQ(d["spec"]["template"]["spec"]["affinity"], ordered_json::parse(R"({"nodeAffinity":
      {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
        "matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                              "values": ["worker-2.example"]}]}]}}})"));
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"],
            "helloworld-gvisor-worker-2-example");
}

TEST(KubeManifests, LongNamesAreCutWithAHash) {
  auto p = gvisor();
  p.node_name = std::string(60, 'a') + ".one";
  std::string first = object_name(hello(), p);
  p.node_name = std::string(60, 'a') + ".two";
  std::string second = object_name(hello(), p);
  EXPECT_EQ(first.size(), 63u);
  EXPECT_EQ(second.size(), 63u);
  EXPECT_NE(first, second);
  EXPECT_TRUE(first.starts_with("helloworld-gvisor-aaaa")) << first;
  EXPECT_EQ(first.substr(0, 54), second.substr(0, 54));
  EXPECT_EQ(first[54], '-');
  // Deterministic: FNV-1a of the whole name.
  EXPECT_EQ(first, object_name(hello(), [&] {
              auto q = gvisor();
              q.node_name = std::string(60, 'a') + ".one";
              return q;
            }()));
  // A cut that ends in '-' loses it: "helloworld-gvisor-" + 35 'b' + "-" ... never "--".
  p.node_name = std::string(36, 'b') + "-" + std::string(40, 'c');
  std::string cut = object_name(hello(), p);
  EXPECT_EQ(cut.find("--"), std::string::npos) << cut;
  EXPECT_LE(cut.size(), 63u);
}

TEST(KubeManifests, Service) {
  auto s = render_service(hello(), gvisor());
  auto expected = ordered_json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "helloworld-gvisor", "namespace": "mkata-validate-r1",
      "labels": {"app.kubernetes.io/name": "helloworld",
                 "app.kubernetes.io/instance": "helloworld-gvisor",
                 "app.kubernetes.io/managed-by": "mkata", "mkata.dev/run": "r1",
                 "mkata.dev/runtime": "gvisor", "mkata.dev/workload": "helloworld"}},
    "spec": {"type": "ClusterIP",
             "selector": {"app.kubernetes.io/name": "helloworld",
                          "app.kubernetes.io/instance": "helloworld-gvisor"},
             "ports": [{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}]}})");
  EXPECT_EQ(s, expected) << s.dump(2);
}

TEST(KubeManifests, NamespaceEnforcesRestricted) {
  auto n = render_namespace("mkata-validate-r1", "r1");
  EXPECT_EQ(n, ordered_json::parse(R"({"apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "mkata-validate-r1", "labels": {"app.kubernetes.io/managed-by": "mkata",
      "mkata.dev/run": "r1", "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted"}}})"));
}

TEST(KubeManifests, RuntimeClassWithAndWithoutOverhead) {
  auto kata = render_runtime_class("mkata-kata", "kata", node::default_overhead("kata"), "r1");
  EXPECT_EQ(kata, ordered_json::parse(R"({"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass",
    "metadata": {"name": "mkata-kata", "labels": {"app.kubernetes.io/managed-by": "mkata",
      "mkata.dev/run": "r1"}},
    "handler": "kata", "overhead": {"podFixed": {"cpu": "250m", "memory": "320Mi"}}})"));
  auto crun = render_runtime_class("mkata-crun", "crun", std::nullopt, "r1");
  EXPECT_FALSE(crun.contains("overhead"));
  EXPECT_EQ(crun["handler"], "crun");
}

TEST(KubeManifests, ListOfObjects) {
  EXPECT_EQ(
      list_of({render_namespace("n", "r")}).dump(),
      R"({"apiVersion":"v1","kind":"List","items":[)" + render_namespace("n", "r").dump() + "]}");
  EXPECT_EQ(list_of({}).dump(), R"({"apiVersion":"v1","kind":"List","items":[]})");
}

TEST(KubeManifests, CheckPlacementNamesTheBadValue) {
  EXPECT_TRUE(check_placement(gvisor()));
  auto error_of = [](auto edit) {
    auto p = gvisor();
    edit(p);
    auto r = check_placement(p);
    return r ? std::string("ok") : r.error().message();
  };
  EXPECT_EQ(error_of([](KubePlacement& p) { p.run_id = "R_1"; }),
            "run id 'R_1': must be 1 to 48 lowercase letters, digits or '-', starting and ending "
            "with a letter or digit");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.run_id = std::string(49, 'a'); }).substr(0, 9),
            "run id 'a");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.run_id = std::string(48, 'a'); }), "ok");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.namespace_name = "-x"; }),
            "namespace '-x': must be a DNS-1123 label (1 to 63 lowercase letters, digits or '-', "
            "starting and ending with a letter or digit)");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.node_name = "Node_1"; }),
            "node name 'Node_1': must be a DNS-1123 subdomain (1 to 253 lowercase letters, "
            "digits, '-' or '.', each part starting and ending with a letter or digit)");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.node_name = "a..b"; }).substr(0, 16),
            "node name 'a..b'");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.node_name = "ip-10-0-0-1.ec2.internal"; }), "ok");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.runtime_class = "kata qemu"; }).substr(0, 26),
            "runtime class 'kata qemu':");
  EXPECT_EQ(error_of([](KubePlacement& p) { p.image_pull_policy = "sometimes"; }),
            "image pull policy 'sometimes' (accepted: Always, IfNotPresent, Never)");
  auto r = check_placement([] {
    auto p = gvisor();
    p.runtime = "";
    return p;
  }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
}

}  // namespace
}  // namespace mkata::kube
