// The whole set a run applies: order, RuntimeClasses created or reused, image prefixes, nodes,
// and the errors for bad input (checked before anything is rendered).
#include "kube/manifest_set.h"

#include <gtest/gtest.h>

#include "image/image_set.h"

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

std::vector<std::string> kinds_and_names(const std::vector<ordered_json>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) {
    out.push_back(o["kind"].get<std::string>() + "/" + o["metadata"]["name"].get<std::string>());
  }
  return out;
}

TEST(KubeManifestSet, AllRuntimesInApplyOrder) {
  auto set = render_manifest_set({});
  ASSERT_TRUE(set) << set.error().message();
  std::vector<std::string> expected = {"Namespace/mkata-validate-manifests",
                                       "RuntimeClass/mkata-crun", "RuntimeClass/mkata-gvisor",
                                       "RuntimeClass/mkata-kata"};
  for (const char* rt : {"runc", "crun", "gvisor", "kata"}) {
    for (const char* w : {"helloworld", "autoscale"}) {
      for (const char* kind : {"Deployment", "Service"}) {
        expected.push_back(std::string(kind) + "/" + w + "-" + rt);
      }
    }
  }
  EXPECT_EQ(kinds_and_names(*set), expected);
  // Install's handler names and overheads, the run label on everything.
  EXPECT_EQ((*set)[3]["handler"], "kata");
  EXPECT_EQ((*set)[3]["overhead"]["podFixed"]["memory"], "320Mi");
  EXPECT_EQ((*set)[2]["overhead"]["podFixed"]["cpu"], "100m");
  EXPECT_FALSE((*set)[1].contains("overhead"));
  for (const auto& o : *set) EXPECT_EQ(o["metadata"]["labels"]["mkata.dev/run"], "manifests");
  // The TARGET each runtime's helloworld answers with, and autoscale's image.
  const auto& kata_hello = (*set)[16]["spec"]["template"]["spec"];
  EXPECT_EQ(kata_hello["runtimeClassName"], "mkata-kata");
  EXPECT_EQ(kata_hello["containers"][0]["env"][0]["value"], "Kata Containers");
  EXPECT_EQ((*set)[6]["spec"]["template"]["spec"]["containers"][0]["image"],
            image::image_reference("autoscale"));
}

TEST(KubeManifestSet, ReusedRuntimeClassIsNamedNotCreated) {
  ManifestRequest r;
  r.runtimes = {"kata", "runc", "kata"};  // a repeat runs once
  r.reused_runtime_classes = {{"kata", "kata"}};
  r.run_id = "x1";
  auto set = render_manifest_set(r);
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(
      kinds_and_names(*set),
      (std::vector<std::string>{
          "Namespace/mkata-validate-x1", "Deployment/helloworld-kata", "Service/helloworld-kata",
          "Deployment/autoscale-kata", "Service/autoscale-kata", "Deployment/helloworld-runc",
          "Service/helloworld-runc", "Deployment/autoscale-runc", "Service/autoscale-runc"}));
  EXPECT_EQ((*set)[1]["spec"]["template"]["spec"]["runtimeClassName"], "kata");
  EXPECT_FALSE((*set)[5]["spec"]["template"]["spec"].contains("runtimeClassName"));
}

TEST(KubeManifestSet, ImagePrefixNodesNamespaceAndPullPolicy) {
  ManifestRequest r;
  r.runtimes = {"gvisor"};
  r.image_prefix = "registry.example.com:5000/mkata";
  r.image_pull_policy = "Always";
  r.namespace_name = "review";
  r.node_names = {"node-a", "node-b"};
  auto set = render_manifest_set(r);
  ASSERT_TRUE(set) << set.error().message();
  ASSERT_EQ(set->size(), 2u + 2 * 4);
  EXPECT_EQ((*set)[0]["metadata"]["name"], "review");
  EXPECT_EQ((*set)[2]["metadata"]["name"], "helloworld-gvisor-node-a");
  EXPECT_EQ((*set)[2]["metadata"]["namespace"], "review");
  EXPECT_EQ((*set)[6]["metadata"]["name"], "helloworld-gvisor-node-b");
  const auto& c = (*set)[2]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "registry.example.com:5000/mkata/helloworld:" + image::image_tag());
  EXPECT_EQ(c["imagePullPolicy"], "Always");
}

TEST(KubeManifestSet, EachRuntimeOnItsOwnNodes) {
  ManifestRequest r;
  r.runtimes = {"runc", "kata"};
  r.node_names = {"n1", "n2"};
  r.runtime_nodes = {{"kata", {"n2"}}};
  auto set = render_manifest_set(r);
  ASSERT_TRUE(set) << set.error().message();
  std::vector<std::string> deployments;
  for (const auto& name : kinds_and_names(*set)) {
    if (name.starts_with("Deployment/")) deployments.push_back(name);
  }
  EXPECT_EQ(deployments, (std::vector<std::string>{
                             "Deployment/helloworld-runc-n1", "Deployment/autoscale-runc-n1",
                             "Deployment/helloworld-runc-n2", "Deployment/autoscale-runc-n2",
                             "Deployment/helloworld-kata-n2", "Deployment/autoscale-kata-n2"}));
}

TEST(KubeManifestSet, ImagePrefix) {
  EXPECT_EQ(prefixed_image("mkata.local/autoscale:1", "").value(), "mkata.local/autoscale:1");
  EXPECT_EQ(prefixed_image("mkata.local/autoscale:1", "ghcr.io/acme/mkata/").value(),
            "ghcr.io/acme/mkata/autoscale:1");
  EXPECT_EQ(prefixed_image("mkata.local/autoscale:1", "localhost:32000").value(),
            "localhost:32000/autoscale:1");
  for (const char* bad :
       {"registry.example.com//x/", "/x/", "reg.example.com/Upper/", "a b", "reg:port/", "-reg/"}) {
    auto r = prefixed_image("mkata.local/autoscale:1", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(),
              "image prefix '" + std::string(bad) +
                  "': must be a registry and path such as registry.example.com/mkata/ (letters, "
                  "digits, '.', '_', '-', a ':port' after the host, '/' between parts; path parts "
                  "lowercase)");
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  }
  auto r = prefixed_image("docker.io/x:1", "reg.example.com/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "image 'docker.io/x:1': does not start with mkata.local/");
}

TEST(KubeManifestSet, BadInputFailsBeforeRendering) {
  auto error_of = [](ManifestRequest r) {
    auto set = render_manifest_set(r);
    return set ? std::string("ok") : set.error().message();
  };
  ManifestRequest r;
  r.runtimes = {"runc", "youki"};
  EXPECT_EQ(error_of(r), "unknown runtime 'youki' (accepted: runc, crun, gvisor, kata)");
  r = {};
  r.node_names = {"ok", "Bad_Node"};
  EXPECT_EQ(error_of(r).substr(0, 21), "node name 'Bad_Node':");
  r = {};
  r.node_names = {"a.b", "a-b"};
  EXPECT_EQ(error_of(r),
            "node names 'a.b' and 'a-b' give the same object name 'helloworld-runc-a-b'");
  r = {};
  r.run_id = "UPPER";
  EXPECT_EQ(error_of(r).substr(0, 15), "run id 'UPPER':");
  r = {};
  r.image_pull_policy = "never";
  EXPECT_EQ(error_of(r), "image pull policy 'never' (accepted: Always, IfNotPresent, Never)");
  r = {};
  r.image_prefix = "bad prefix";
  EXPECT_EQ(error_of(r).substr(0, 26), "image prefix 'bad prefix':");
}

TEST(KubeManifestSet, MkataRuntimeClasses) {
  EXPECT_FALSE(mkata_runtime_class("runc"));
  auto kata = mkata_runtime_class("kata");
  ASSERT_TRUE(kata);
  EXPECT_EQ(kata->name, "mkata-kata");
  EXPECT_EQ(kata->handler, "kata");
  ASSERT_TRUE(kata->overhead);
  EXPECT_EQ(kata->overhead->cpu, "250m");
  auto crun = mkata_runtime_class("crun");
  ASSERT_TRUE(crun);
  EXPECT_FALSE(crun->overhead);
}

}  // namespace
}  // namespace mkata::kube
