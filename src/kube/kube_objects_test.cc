#include "kube/kube_objects.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::kube {
namespace {

// The documents in testdata/ have the shapes kubectl 1.33 prints for `get … -o json` (fields as
// the Kubernetes API reference defines them; values of a MicroK8s node with the kata addon).
std::string testdata(const std::string& name) {
  auto text = read_file(std::string(MKATA_KUBE_TESTDATA) + "/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

TEST(KubeObjects, NodesWithNodeInfoAndRuntimeHandlers) {
  auto nodes = parse_nodes(testdata("nodes-microk8s.json"));
  ASSERT_TRUE(nodes) << nodes.error().message();
  ASSERT_EQ(nodes->size(), 2u);
  const auto& a = (*nodes)[0];
  EXPECT_EQ(a.name, "node-a");
  EXPECT_TRUE(a.ready);
  EXPECT_TRUE(a.schedulable);
  EXPECT_EQ(a.boot_id, "5d1c2a7e-8f43-4f0b-a1d2-9b6e3c4f5a61");
  EXPECT_EQ(a.kernel_version, "6.8.0-49-generic");
  EXPECT_EQ(a.kubelet_version, "v1.33.4");
  EXPECT_EQ(a.container_runtime_version, "containerd://2.1.3");
  ASSERT_TRUE(a.runtime_handlers);
  EXPECT_EQ(*a.runtime_handlers, (std::vector<std::string>{"kata", "runc", ""}));
  const auto& b = (*nodes)[1];
  EXPECT_FALSE(b.ready);
  EXPECT_FALSE(b.schedulable);
  EXPECT_FALSE(b.runtime_handlers);  // a 1.29 kubelet does not report them
}

TEST(KubeObjects, RuntimeClassesSayWhoCreatedThem) {
  auto classes = parse_runtime_classes(testdata("runtimeclasses.json"));
  ASSERT_TRUE(classes) << classes.error().message();
  ASSERT_EQ(classes->size(), 2u);
  EXPECT_EQ((*classes)[0].name, "kata");
  EXPECT_EQ((*classes)[0].handler, "kata");
  EXPECT_FALSE((*classes)[0].created_by_mkata);  // the MicroK8s addon's: never touched
  EXPECT_EQ((*classes)[1].name, "mkata-gvisor");
  EXPECT_TRUE((*classes)[1].created_by_mkata);
  EXPECT_EQ((*classes)[1].run_id, "3f2a9c1b7e6d");
}

TEST(KubeObjects, APodThatNeverBecomesReadyIsExplainedByItsEvents) {
  auto pods = parse_pods(testdata("pods-kata-pending.json"));
  ASSERT_TRUE(pods) << pods.error().message();
  ASSERT_EQ(pods->size(), 2u);
  const auto& kata = (*pods)[0];
  EXPECT_EQ(kata.node_name, "node-a");
  EXPECT_EQ(kata.phase, "Pending");
  EXPECT_FALSE(kata.ready);
  EXPECT_EQ(kata.pod_ip, "");
  auto events = parse_events(testdata("events-kata.json"));
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(explain_pod(kata, *events),
            "pod helloworld-kata-6c9f8d7b5-x2vqk: container helloworld waiting: "
            "ContainerCreating; Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc "
            "error: code = Unknown desc = failed to get sandbox runtime: no runtime for \"kata\" "
            "is configured");
  const auto& runc = (*pods)[1];
  EXPECT_TRUE(runc.ready);
  EXPECT_EQ(runc.pod_ip, "10.1.151.7");
  ASSERT_EQ(runc.containers.size(), 1u);
  EXPECT_EQ(runc.containers[0].exit_code, 2);  // from lastState: it crashed once
  EXPECT_EQ(runc.containers[0].restart_count, 1);
  EXPECT_EQ(explain_pod(runc, {}),
            "pod autoscale-runc-5b7d9c8f6-abcde: container autoscale exited with code 2 "
            "(restarted 1×)");
}

TEST(KubeObjects, ServerVersion) {
  EXPECT_EQ(*parse_server_version(testdata("version.json")), "v1.33.4");
  // Without a reachable server kubectl prints only the client part.
  auto r = parse_server_version(R"({"clientVersion":{"gitVersion":"v1.33.4"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "parse kubectl version: no serverVersion.gitVersion");
}

TEST(KubeObjects, MalformedDocumentsAreErrors) {
  EXPECT_EQ(parse_nodes("[").error().message(), "parse nodes: not a JSON object");
  EXPECT_EQ(parse_pods("{}").error().message(), "parse pods: no items list");
  EXPECT_EQ(parse_nodes(R"({"items":[{"metadata":{}}]})").error().message(),
            "parse nodes: a node without metadata.name");
  EXPECT_EQ(parse_runtime_classes(R"({"items":[{"metadata":{"name":"x"}}]})").error().message(),
            "parse runtime classes: a RuntimeClass without metadata.name or handler");
  // Wrong types are ignored field by field, never a crash.
  auto odd = parse_pods(R"({"items":[{"metadata":{"name":7},"status":{"containerStatuses":[)"
                        R"({"ready":"yes","restartCount":"many","state":[]}]}}]})");
  ASSERT_TRUE(odd);
  EXPECT_EQ((*odd)[0].name, "");
  EXPECT_FALSE((*odd)[0].containers[0].ready);
}

}  // namespace
}  // namespace mkata::kube
