// The kube target's orchestration over a fake cluster (kube::KubeClient): the fake answers with
// the Kubernetes API's JSON shapes (src/kube/testdata/, and documents built the same way here),
// records every apply and delete, and plays kubelet for what it applies — a Deployment becomes a
// REAL workload process of the build on loopback, and port-forward returns its port — so the
// whole validate scenario (readiness, answers, the isolation rules against the node's
// nodeInfo) runs unchanged. What it cannot prove: that a real API server and kubelet behave as
// the shapes say; that is the cluster CI workflow's job (docs/kube.md).
#include "validate/kube_target.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/interrupt.h"
#include "core/strings.h"
#include "host/host_facts.h"
#include "image/image_set.h"
#include "support/private_registry.h"
#include "validate/isolation.h"
#include "validate/scenario.h"
#include "workload/test_workload_process.h"

namespace mkata::validate {
namespace {

using nlohmann::json;
using workload::testing::WorkloadProcess;

std::string testdata(const std::string& name) {
  auto text = read_file(std::string(MKATA_KUBE_TESTDATA) + "/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

// A one-node cluster whose node is this host (its bootID and kernel), so that a runc pod — a
// local process here — shares the node's kernel, and a "gVisor" one does not pretend otherwise.
json this_host_as_node(const std::vector<std::string>& handlers) {
  auto view = host_kernel_view();
  json node = {{"metadata", {{"name", "node-a"}}},
               {"spec", json::object()},
               {"status",
                {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                 {"nodeInfo",
                  {{"bootID", view && view->boot_id ? *view->boot_id : ""},
                   {"kernelVersion", view ? view->kernel_release : ""},
                   {"kubeletVersion", "v1.33.4"},
                   {"containerRuntimeVersion", "containerd://2.1.3"},
                   {"osImage", "Ubuntu 24.04.1 LTS"}}}}}};
  json list = json::array();
  for (const auto& h : handlers) list.push_back({{"name", h}});
  node["status"]["runtimeHandlers"] = list;
  return {{"kind", "List"}, {"items", {node}}};
}

class FakeCluster final : public kube::KubeClient {
 public:
  std::recursive_mutex mutex;  ///< the scenario deploys workloads in parallel
  json nodes = this_host_as_node({"runc", ""});
  json runtime_classes = {{"kind", "List"}, {"items", json::array()}};
  std::map<std::string, bool> denied;  ///< "verb resource" → denied
  bool pods_become_ready = true;
  bool fail_apply = false;
  bool interrupt_during_rollout = false;
  std::string last_selector;
  std::map<std::string, std::string> deployment_node;
  std::map<std::string, std::string>
      deployment_image;  ///< deployment → its image  ///< from the Deployment's node affinity
  std::vector<std::string> applied_kinds;                           ///< "Kind/name" in apply order
  std::vector<std::string> deleted;                                 ///< "kind/name"
  std::map<std::string, std::unique_ptr<WorkloadProcess>> running;  ///< deployment → process

  std::string describe() const override { return "fake kubectl"; }
  Result<std::string> version_json() override { return testdata("version.json"); }
  Result<std::string> get_json(const std::string& kind, const std::string& ns,
                               const std::string& selector) override {
    std::lock_guard lock(mutex);
    if (kind == "nodes") return nodes.dump();
    if (kind == "namespaces") {
      last_selector = selector;
      return json({{"kind", "List"},
                   {"items", {{{"metadata", {{"name", "mkata-validate-0badc0ffee00"}}}}}}})
          .dump();
    }
    if (kind == "runtimeclasses") {
      if (selector.empty()) return runtime_classes.dump();
      // The label selector as the API applies it: only mkata's classes.
      json mine = {{"kind", "List"}, {"items", json::array()}};
      for (const auto& c : runtime_classes["items"]) {
        if (c["metadata"].contains("labels") &&
            c["metadata"]["labels"].value("app.kubernetes.io/managed-by", "") == "mkata") {
          mine["items"].push_back(c);
        }
      }
      return mine.dump();
    }
    if (kind == "events") {
      if (pods_become_ready) return json({{"kind", "List"}, {"items", json::array()}}).dump();
      auto events = json::parse(testdata("events-kata.json"));
      for (auto& e : events["items"]) e["involvedObject"]["name"] = pod_name(last_deployment_);
      return events.dump();
    }
    if (kind == "pods") {
      std::string deployment = selector.substr(selector.find('=') + 1);
      json pod = {{"metadata", {{"name", pod_name(deployment)}, {"namespace", ns}}},
                  {"spec",
                   {{"nodeName", deployment_node.contains(deployment) ? deployment_node[deployment]
                                                                      : "node-a"}}}};
      if (pods_become_ready) {
        pod["status"] = {{"phase", "Running"},
                         {"podIP", "10.1.151.7"},
                         {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
      } else {
        pod["status"] = {{"phase", "Pending"},
                         {"containerStatuses",
                          {{{"name", "helloworld"},
                            {"ready", false},
                            {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}}}}};
      }
      return json({{"kind", "List"}, {"items", {pod}}}).dump();
    }
    return fail("fake: no " + kind);
  }
  Result<bool> can_i(const std::string& verb, const std::string& resource,
                     const std::string&) override {
    return !denied.contains(verb + " " + resource);
  }
  Result<void> apply(const std::string& text) override {
    std::lock_guard lock(mutex);
    if (fail_apply) return fail("fake: admission webhook denied the request");
    auto doc = json::parse(text);
    for (const auto& item : doc["items"]) {
      std::string kind = item["kind"], name = item["metadata"]["name"];
      applied_kinds.push_back(kind + "/" + name);
      if (kind == "Deployment" && pods_become_ready) {
        std::vector<std::string> env;
        const auto& c = item["spec"]["template"]["spec"]["containers"][0];
        for (const auto& e : c["env"]) {
          if (e["name"] != "PORT")
            env.push_back(e["name"].get<std::string>() + "=" + e["value"].get<std::string>());
        }
        std::string binary = c["image"].get<std::string>();
        deployment_image[name] = binary;
        binary = binary.substr(binary.rfind('/', binary.find(':') == std::string::npos
                                                     ? std::string::npos
                                                     : binary.rfind(':')) +
                               1);
        binary = binary.substr(0, binary.rfind(':'));
        auto process = std::make_unique<WorkloadProcess>(binary, env);
        if (!process->ok()) return fail("fake kubelet: " + process->error());
        running[name] = std::move(process);
      }
      if (kind == "Deployment") {
        last_deployment_ = name;
        const auto& pod_spec = item["spec"]["template"]["spec"];
        deployment_node[name] =
            pod_spec.contains("affinity")
                ? pod_spec["affinity"]["nodeAffinity"]
                          ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
                          ["matchExpressions"][0]["values"][0]
                              .get<std::string>()
                : "node-a";
      }
    }
    return {};
  }
  Result<void> remove(const std::string& kind, const std::string& name, const std::string&,
                      std::chrono::seconds) override {
    std::lock_guard lock(mutex);
    deleted.push_back(kind + "/" + name);
    if (kind == "deployment") running.erase(name);
    if (kind == "namespace") running.clear();
    return {};
  }
  Result<void> rollout_status(const std::string& deployment, const std::string&,
                              std::chrono::milliseconds timeout) override {
    std::lock_guard lock(mutex);
    if (interrupt_during_rollout) {
      request_interrupt();  // Ctrl-C: kubectl, in the same process group, exits too
      return fail("kubectl rollout: killed by signal 2");
    }
    if (running.contains(deployment)) return {};
    return fail("kubectl rollout: exit 1: error: timed out waiting for the condition (" +
                std::to_string(timeout.count()) + " ms)");
  }
  Result<int> port_forward(const std::string& pod, const std::string&, int) override {
    std::lock_guard lock(mutex);
    for (const auto& [deployment, process] : running) {
      if (pod_name(deployment) == pod) return process->port();
    }
    return fail("fake: no pod " + pod);
  }
  void stop_port_forwards() override { ++forwards_stopped; }
  int forwards_stopped = 0;

 private:
  static std::string pod_name(const std::string& deployment) {
    return deployment + "-6c9f8d7b5-x2vqk";
  }
  std::string last_deployment_;
};

struct Run {
  FakeCluster* cluster = nullptr;
  std::unique_ptr<KubeTarget> target;
};

Run make_target(std::unique_ptr<FakeCluster> cluster, KubeTargetOptions options = {}) {
  Run run;
  run.cluster = cluster.get();
  options.run_id = "3f2a9c1b7e6d";
  options.ready_timeout = std::chrono::milliseconds(2000);
  run.target = std::make_unique<KubeTarget>(std::move(cluster), options);
  auto connected = run.target->connect();
  EXPECT_TRUE(connected) << connected.error().message();
  return run;
}

const report::RuntimeOutcome* outcome(const report::ValidationRecord& r, const std::string& name) {
  for (const auto& o : r.runtimes) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

host::HostFacts no_facts() { return {}; }

TEST(KubeTarget, RuntimeClassesAreReusedCreatedOrTheRuntimeIsSkipped) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->runtime_classes = json::parse(testdata("runtimeclasses.json"));  // kata (addon's)
  cluster->nodes = this_host_as_node({"kata", "runc", "crun", ""});
  auto run = make_target(std::move(cluster));
  host::RuntimeVerdict unusable_here;  // this host's verdict does not matter on a cluster
  auto runc = run.target->choose("runc", no_facts(), unusable_here);
  EXPECT_TRUE(runc.usable);
  EXPECT_EQ(runc.handler, "(cluster default)");
  auto kata = run.target->choose("kata", no_facts(), unusable_here);
  EXPECT_TRUE(kata.usable) << kata.reason;
  EXPECT_EQ(kata.handler, "kata");  // the addon's class, reused as it is
  auto crun = run.target->choose("crun", no_facts(), unusable_here);
  EXPECT_TRUE(crun.usable) << crun.reason;
  EXPECT_EQ(crun.handler, "mkata-crun");  // the node reports handler crun: created for the run
  // testdata's mkata-gvisor (handler gvisor, a killed run's) is reused, never recreated.
  auto gvisor = run.target->choose("gvisor", no_facts(), unusable_here);
  EXPECT_TRUE(gvisor.usable) << gvisor.reason;
  EXPECT_EQ(gvisor.handler, "mkata-gvisor");
}

TEST(KubeTarget, AHandlerNoNodeHasIsNotUsableWithTheReason) {
  auto run = make_target(std::make_unique<FakeCluster>());
  auto gvisor = run.target->choose("gvisor", no_facts(), {});
  EXPECT_FALSE(gvisor.usable);
  EXPECT_EQ(gvisor.reason,
            "no RuntimeClass has the handler gvisor or runsc and no Ready node reports it (node-a "
            "has runc, (default))");
}

TEST(KubeTarget, RbacDeniedIsNamedBeforeAnythingIsApplied) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->nodes = this_host_as_node({"runc", "gvisor", ""});
  cluster->denied = {{"create runtimeclasses.node.k8s.io", true},
                     {"create pods/portforward", true}};
  auto run = make_target(std::move(cluster));
  std::map<std::string, RuntimeChoice> chosen;
  for (const char* rt : {"runc", "gvisor"}) chosen[rt] = run.target->choose(rt, no_facts(), {});
  Progress progress(false);
  std::vector<report::PhaseTiming> timings;
  auto prepared = run.target->prepare(chosen, progress, timings);
  ASSERT_FALSE(prepared);
  EXPECT_EQ(prepared.error().message(),
            "the cluster's RBAC does not allow what the run needs: create pods/portforward in "
            "mkata-validate-3f2a9c1b7e6d, create runtimeclasses.node.k8s.io (asked fake kubectl "
            "auth can-i)");
  EXPECT_TRUE(run.cluster->applied_kinds.empty());
  EXPECT_TRUE(run.target->finish(progress, timings));
  EXPECT_TRUE(run.cluster->deleted.empty());  // nothing was created, nothing is deleted
}

TEST(KubeTarget, AFailedPrepareDeletesWhatItApplied) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->nodes = this_host_as_node({"runc", "gvisor", ""});
  cluster->fail_apply = true;  // the API refuses the List half-way (admission, quota, …)
  auto run = make_target(std::move(cluster));
  ValidateOptions options;
  options.runtimes = {"gvisor"};
  Progress progress(false);
  auto record = run_validation(options, *run.target, progress);
  ASSERT_FALSE(record);
  EXPECT_EQ(record.error().message(), "validate: fake: admission webhook denied the request");
  auto& deleted = run.cluster->deleted;
  EXPECT_EQ(deleted, (std::vector<std::string>{"namespace/mkata-validate-3f2a9c1b7e6d",
                                               "runtimeclass/mkata-gvisor"}));
}

TEST(KubeTarget, RuncPassesAgainstTheNodesKernelAndEverythingIsDeleted) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->nodes = this_host_as_node({"runc", "gvisor", ""});
  auto run = make_target(std::move(cluster));
  ValidateOptions options;
  options.runtimes = {"runc", "gvisor"};
  Progress progress(false);
  auto record = run_validation(options, *run.target, progress);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_EQ(record->target, "kube");
  const auto* runc = outcome(*record, "runc");
  ASSERT_NE(runc, nullptr);
  EXPECT_EQ(runc->status, "passed") << runc->reason;
  ASSERT_EQ(runc->answers.size(), 2u);
  EXPECT_EQ(runc->answers[0].second, "Hello World: runc Containers!\n");
  // The "gVisor" pod is a plain local process here: it shows the node's boot_id, and the rules
  // comparing against nodeInfo catch it.
  const auto* gvisor = outcome(*record, "gvisor");
  ASSERT_NE(gvisor, nullptr);
  EXPECT_EQ(gvisor->status, "failed");
  EXPECT_TRUE(gvisor->reason.starts_with("pod is not sandboxed: ")) << gvisor->reason;
  // The Namespace and the RuntimeClass first; the workloads of a runtime deploy concurrently.
  auto applied = run.cluster->applied_kinds;
  ASSERT_GE(applied.size(), 2u);
  EXPECT_EQ(applied[0], "Namespace/mkata-validate-3f2a9c1b7e6d");
  EXPECT_EQ(applied[1], "RuntimeClass/mkata-gvisor");
  std::sort(applied.begin() + 2, applied.end());
  EXPECT_EQ(std::vector<std::string>(applied.begin() + 2, applied.end()),
            (std::vector<std::string>{"Deployment/autoscale-gvisor", "Deployment/autoscale-runc",
                                      "Deployment/helloworld-gvisor", "Deployment/helloworld-runc",
                                      "Service/autoscale-gvisor", "Service/autoscale-runc",
                                      "Service/helloworld-gvisor", "Service/helloworld-runc"}))
      << join(run.cluster->applied_kinds, " ");
  auto& deleted = run.cluster->deleted;
  EXPECT_NE(std::find(deleted.begin(), deleted.end(), "namespace/mkata-validate-3f2a9c1b7e6d"),
            deleted.end());
  EXPECT_NE(std::find(deleted.begin(), deleted.end(), "runtimeclass/mkata-gvisor"), deleted.end());
  EXPECT_TRUE(run.cluster->running.empty());
  EXPECT_GE(run.cluster->forwards_stopped, 1);
}

TEST(KubeTarget, APodThatNeverBecomesReadyReportsItsEventsAndIsCleanedUp) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->runtime_classes = json::parse(testdata("runtimeclasses.json"));
  cluster->pods_become_ready = false;
  auto run = make_target(std::move(cluster));
  ValidateOptions options;
  options.runtimes = {"kata"};
  Progress progress(false);
  auto record = run_validation(options, *run.target, progress);
  ASSERT_TRUE(record) << record.error().message();
  const auto* kata = outcome(*record, "kata");
  ASSERT_NE(kata, nullptr);
  EXPECT_EQ(kata->status, "failed");
  EXPECT_NE(kata->reason.find("did not become ready within 2000 ms: pod "), std::string::npos)
      << kata->reason;
  EXPECT_NE(kata->reason.find("Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc "
                              "error: code = Unknown desc = failed to get sandbox runtime: no "
                              "runtime for \"kata\" is configured"),
            std::string::npos)
      << kata->reason;
  auto& deleted = run.cluster->deleted;
  EXPECT_NE(std::find(deleted.begin(), deleted.end(), "namespace/mkata-validate-3f2a9c1b7e6d"),
            deleted.end());
  // The addon's RuntimeClass "kata" was used, never deleted.
  EXPECT_EQ(std::find(deleted.begin(), deleted.end(), "runtimeclass/kata"), deleted.end());
}

}  // namespace
}  // namespace mkata::validate

namespace mkata::validate {
namespace {

TEST(KubeTarget, CleanupDeletesOnlyWhatMkataLabelled) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->runtime_classes = json::parse(testdata("runtimeclasses.json"));  // kata + mkata-gvisor
  auto run = make_target(std::move(cluster));
  auto deleted = run.target->cleanup_left_behind();
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(*deleted, (std::vector<std::string>{"namespace/mkata-validate-0badc0ffee00",
                                                "runtimeclass/mkata-gvisor"}));
  EXPECT_EQ(run.cluster->last_selector, "app.kubernetes.io/managed-by=mkata,mkata.dev/run");
  EXPECT_EQ(run.cluster->deleted, *deleted);  // the addon's "kata" is not among them
}

// Ctrl-C sets a process-wide flag that nothing resets: ctest runs each test in its own process.
TEST(KubeTarget, CtrlCDuringARolloutDeletesEverythingOfTheRun) {
  auto cluster = std::make_unique<FakeCluster>();
  cluster->nodes = this_host_as_node({"runc", "gvisor", ""});
  cluster->interrupt_during_rollout = true;
  auto run = make_target(std::move(cluster));
  ValidateOptions options;
  options.runtimes = {"gvisor", "runc"};
  Progress progress(false);
  auto record = run_validation(options, *run.target, progress);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_FALSE(record->passed);
  EXPECT_EQ(record->error, "interrupted");
  auto& deleted = run.cluster->deleted;
  for (const char* d : {"deployment/helloworld-runc", "service/helloworld-runc",
                        "namespace/mkata-validate-3f2a9c1b7e6d"}) {
    EXPECT_NE(std::find(deleted.begin(), deleted.end(), d), deleted.end()) << d;
  }
  EXPECT_NE(std::find(deleted.begin(), deleted.end(), "runtimeclass/mkata-gvisor"), deleted.end());
  // runc ran first and was interrupted; gvisor never started.
  EXPECT_EQ(std::find(deleted.begin(), deleted.end(), "deployment/helloworld-gvisor"),
            deleted.end());
}

}  // namespace
}  // namespace mkata::validate

namespace mkata::validate {
namespace {

TEST(KubeTarget, AllNodesIsANodeByRuntimeMatrix) {
  auto cluster = std::make_unique<FakeCluster>();
  // Two Ready nodes (both this host, as far as the fake's pods go); only node-a has gVisor, and a
  // third node is cordoned.
  auto nodes = this_host_as_node({"runc", "gvisor", ""});
  auto b = nodes["items"][0];
  b["metadata"]["name"] = "node-b";
  b["status"]["runtimeHandlers"] = json::array({{{"name", "runc"}}, {{"name", ""}}});
  auto c = b;
  c["metadata"]["name"] = "node-c";
  c["spec"]["unschedulable"] = true;
  nodes["items"].push_back(b);
  nodes["items"].push_back(c);
  cluster->nodes = nodes;
  KubeTargetOptions options;
  options.all_nodes = true;
  auto run = make_target(std::move(cluster), options);
  ValidateOptions validate;
  validate.runtimes = {"runc", "gvisor"};
  Progress progress(false);
  auto record = run_validation(validate, *run.target, progress);
  ASSERT_TRUE(record) << record.error().message();
  std::vector<std::string> matrix;
  for (const auto& r : record->runtimes) matrix.push_back(r.name + "@" + r.node + " " + r.status);
  // runc passes on both schedulable nodes; the "gVisor" pod (a local process here) is caught on
  // the one node that has the handler; the cordoned node runs nothing.
  EXPECT_EQ(matrix, (std::vector<std::string>{"runc@node-a passed", "runc@node-b passed",
                                              "gvisor@node-a failed"}));
  auto& applied = run.cluster->applied_kinds;
  EXPECT_NE(std::find(applied.begin(), applied.end(), "Deployment/helloworld-runc-node-b"),
            applied.end())
      << join(applied, " ");
  EXPECT_EQ(run.cluster->deployment_node["helloworld-runc-node-b"], "node-b");
  bool recorded = false;
  for (const auto& v : record->versions) {
    if (v.component == "runtimeclass mkata-gvisor") {
      recorded = true;
      EXPECT_EQ(v.version, "handler gvisor (created for this run); reported by node-a");
    }
    if (v.component == "node node-b") {
      EXPECT_EQ(v.version.substr(0, 37), "kubelet v1.33.4, containerd://2.1.3, ");
    }
  }
  EXPECT_TRUE(recorded);
}

}  // namespace
}  // namespace mkata::validate

namespace mkata::validate {
namespace {

// --registry: the images are pushed (skopeo, to a real registry on loopback) before anything is
// deployed, and the Deployments name the pushed references.
TEST(KubeTarget, RegistryPushesTheImagesAndTheDeploymentsUseThem) {
  if (geteuid() != 0)
    GTEST_SKIP() << "skopeo pushes as root here (its cache is /var/lib/containers)";
  if (!find_executable("skopeo") || !find_executable("docker-registry")) {
    GTEST_SKIP() << "skopeo or docker-registry is not installed";
  }
  char dir_template[] = "/tmp/mkata-kube-registry-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  {
    auto registry = test::PrivateRegistry::start(dir + "/registry");
    ASSERT_TRUE(registry) << registry.error().message();
    auto cluster = std::make_unique<FakeCluster>();
    KubeTargetOptions options;
    options.registry = (*registry)->address() + "/mkata";
    options.registry_insecure = true;
    auto run = make_target(std::move(cluster), options);
    ValidateOptions validate;
    validate.runtimes = {"runc"};
    Progress progress(false);
    auto record = run_validation(validate, *run.target, progress);
    ASSERT_TRUE(record) << record.error().message();
    EXPECT_TRUE(record->passed) << record->error;
    EXPECT_EQ(run.cluster->deployment_image["helloworld-runc"],
              (*registry)->address() + "/mkata/helloworld:" + image::image_tag());
    ASSERT_FALSE(record->target_notes.empty());
    EXPECT_TRUE(record->target_notes.back().starts_with("images pushed to " +
                                                        (*registry)->address() + "/mkata/ ("))
        << record->target_notes.back();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mkata::validate
