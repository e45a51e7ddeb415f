// `mkata validate` for real, as root, on the embedded node: runc, crun and gVisor pass with both
// workloads; kata is skipped with check's reason where it is not usable (here: no vhost_vsock, no
// Kata); a "gvisor" handler that really runs runc is caught ("pod is not sandboxed"); a workload
// that never becomes ready fails by timeout; and Ctrl-C in the middle leaves nothing behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/interrupt.h"
#include "embedded/embedded_node.h"
#include "embedded/handler_choice.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "integration/node_test_env.h"
#include "node/runtime_handler.h"
#include "support/record_lookup.h"
#include "support/test_env.h"
#include "validate/answers.h"
#include "validate/http_get.h"
#include "validate/pod_run.h"
#include "validate/scenario.h"

namespace mkata {
namespace {

using test::outcome;
using test::timing;

using std::chrono::milliseconds;
using std::chrono::seconds;

class ValidateTest : public test::EmbeddedValidationTest {
 protected:
  void SetUp() override {
    if (!find_executable("containerd")) GTEST_SKIP() << "containerd is not installed";
    EmbeddedValidationTest::SetUp();
  }
};

TEST_F(ValidateTest, RuncCrunAndGvisorPassAndKataFollowsCheck) {
  for (const char* rt : {"runc", "crun", "gvisor"}) {
    if (!verdict(rt).usable) GTEST_SKIP() << rt << " is not usable here";
  }
  auto start = std::chrono::steady_clock::now();
  auto record = validate::run_validation(options_, progress_);
  auto wall = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(record) << record.error().message();
  for (const char* rt : {"runc", "crun", "gvisor"}) {
    const auto* o = outcome(*record, rt);
    ASSERT_NE(o, nullptr) << rt;
    EXPECT_EQ(o->status, "passed") << rt << ": " << o->reason;
    EXPECT_GT(timing(*o, "helloworld_ready"), 0) << rt;
    EXPECT_GT(timing(*o, "autoscale_ready"), 0) << rt;
    EXPECT_GE(timing(*o, "teardown"), 0) << rt;
    ASSERT_EQ(o->answers.size(), 2u);
    EXPECT_EQ(o->answers[0].second, "Hello World: " + validate::helloworld_target(rt) + "!\n");
    EXPECT_FALSE(o->evidence.empty());
    std::printf("[ timing ] %s: helloworld ready %lld ms, autoscale ready %lld ms, total %lld ms\n",
                rt, timing(*o, "helloworld_ready"), timing(*o, "autoscale_ready"),
                timing(*o, "total"));
  }
  const auto* kata = outcome(*record, "kata");
  ASSERT_NE(kata, nullptr);
  auto kata_verdict = verdict("kata");
  if (kata_verdict.usable) {
    EXPECT_EQ(kata->status, "passed") << kata->reason;
  } else {
    EXPECT_EQ(kata->status, "skipped");
    EXPECT_EQ(kata->reason, "not usable here: " + join(kata_verdict.reasons, "; "));
    std::printf("[ skipped ] kata: %s\n", kata->reason.c_str());
  }
  EXPECT_TRUE(record->passed) << record->error;
  std::printf("[ timing ] whole validate (node up, runc+crun+gvisor, node down): %lld ms\n",
              static_cast<long long>(wall.count()));
  test::expect_nothing_left(options_.node, {}, forward_before_);
}

TEST_F(ValidateTest, KataOnAKvmHostWithKata) {
  auto v = verdict("kata");
  if (!v.usable) GTEST_SKIP() << "kata is not usable here: " << join(v.reasons, "; ");
  options_.runtimes = {"kata"};
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_EQ(outcome(*record, "kata")->status, "passed") << outcome(*record, "kata")->reason;
}

TEST_F(ValidateTest, RequestedButUnusableRuntimeFails) {
  auto v = verdict("kata");
  if (v.usable) GTEST_SKIP() << "kata is usable here";
  options_.runtimes = {"kata"};
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  ASSERT_EQ(record->runtimes.size(), 1u);
  EXPECT_EQ(record->runtimes[0].status, "failed");
  EXPECT_EQ(record->runtimes[0].reason, "requested but not usable here: " + join(v.reasons, "; "));
  EXPECT_FALSE(record->passed);
}

TEST_F(ValidateTest, GvisorHandlerThatRunsRuncIsNotSandboxed) {
  options_.runtimes = {"gvisor"};
  options_.handler_overrides["gvisor"] = node::runc_handler("gvisor", "runc");
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  const auto* o = outcome(*record, "gvisor");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, "failed");
  EXPECT_TRUE(o->reason.starts_with("pod is not sandboxed: it shows the host's kernel (boot_id "))
      << o->reason;
  EXPECT_FALSE(record->passed);
  test::expect_nothing_left(options_.node, {}, forward_before_);
}

TEST_F(ValidateTest, AnUnwritableReportFailsBeforeAnythingRuns) {
  // Plan, then act: the reports are checked before the node starts, not after the pods ran.
  test::TempDir dir("mkata-validate-out");
  auto started = std::chrono::steady_clock::now();
  auto r = test::run_mkata({"validate", "--runtime", "runc", "--json", dir / "no/such/r.json"},
                           options_.node);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')), "mkata: error: validate: --json " +
                                                   dir / "no/such/r.json" + ": the directory " +
                                                   dir / "no/such" + " does not exist");
  r = test::run_mkata({"validate", "--runtime", "runc", "--report", dir.path()}, options_.node);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            "mkata: error: validate: --report " + dir.path() + ": is a directory");
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
  EXPECT_FALSE(std::filesystem::exists(options_.node.state_dir + "/ledger.jsonl"));
}

TEST_F(ValidateTest, WorkloadThatNeverBecomesReadyFailsByTimeout) {
  options_.runtimes = {"runc"};
  options_.ready_timeout = milliseconds(2000);
  options_.adjust_workloads = [](std::vector<validate::WorkloadSpec>& workloads) {
    workloads[0].ready_port = 9;  // nothing listens there: never ready
  };
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  const auto* o = outcome(*record, "runc");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, "failed");
  EXPECT_TRUE(
      o->reason.starts_with("helloworld did not become ready within 2000 ms (last: GET "
                            "http://100.64.14."))
      << o->reason;
  EXPECT_NE(o->reason.find(":9/healthz: "), std::string::npos) << o->reason;
  test::expect_nothing_left(options_.node, {}, forward_before_);
}

TEST_F(ValidateTest, SigintInTheMiddleLeavesNothingBehind) {
  std::vector<std::string> argv = {test::mkata_binary(), "validate", "--runtime", "runc",
                                   "--runtime",          "gvisor",   "--json",    "/dev/null"};
  for (auto& f : test::node_flags(options_.node)) argv.push_back(f);
  SpawnOptions spawn_options;
  spawn_options.stdout_path = "/dev/null";
  auto child = spawn(argv, spawn_options);
  ASSERT_TRUE(child) << child.error().message();
  ASSERT_TRUE(test::wait_for_pods(options_.node, 1, seconds(60))) << "no pods were started";
  auto pods = test::recorded_pods(options_.node);
  kill(child->pid(), SIGINT);
  auto status = child->wait_for(seconds(60));
  ASSERT_TRUE(status.has_value()) << "validate did not stop after SIGINT";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 130);
  test::expect_nothing_left(options_.node, pods, forward_before_);
}

// Per-pod ready time of validate's pod path vs. bare CRI calls (RunPodSandbox, CreateContainer,
// StartContainer, PodSandboxStatus, then GET /healthz every 5 ms), interleaved, median of N —
// the comparison LAB-NOTES.md's table makes. Slow, so only with MKATA_BENCH=1.
TEST_F(ValidateTest, ReadyTimeMatchesRawCriCalls) {
  if (!std::getenv("MKATA_BENCH")) GTEST_SKIP() << "set MKATA_BENCH=1 to run this benchmark";
  auto facts = host::probe_host(*host::live_host());
  ASSERT_TRUE(facts);
  auto layout = embedded::NodeLayout::of(options_.node);
  std::vector<embedded::NodeHandler> handlers;
  for (const char* rt : {"runc", "gvisor"}) {
    auto h = embedded::handler_for_runtime(rt, *facts, layout);
    ASSERT_TRUE(h) << h.error().message();
    handlers.push_back(*h);
  }
  auto node = embedded::EmbeddedNode::up({options_.node, handlers, ""}, progress_);
  ASSERT_TRUE(node) << node.error().message();
  const int rounds = 7;
  for (const char* rt : {"runc", "gvisor"}) {
    std::vector<long long> raw, ours;
    auto workload = validate::validation_workloads(rt, node->description().images)[0];
    for (int i = 0; i < rounds; ++i) {
      validate::PodPlacement placement{rt,
                                       rt,
                                       "mk-node0",
                                       layout.cgroup_parent,
                                       options_.node.state_dir + "/pods/b" + std::to_string(i),
                                       "bench-" + std::string(rt) + std::to_string(i)};
      // Bare CRI.
      {
        make_directories(placement.log_directory);
        auto pod = validate::render_pod_spec(workload, placement);
        pod.uid += "-raw";
        auto t0 = std::chrono::steady_clock::now();
        auto id = node->cri().run_pod(pod);
        ASSERT_TRUE(id) << id.error().message();
        ASSERT_TRUE(node->record_pod(*id));
        auto c = node->cri().create_container(*id, validate::render_container_spec(workload), pod);
        ASSERT_TRUE(c);
        ASSERT_TRUE(node->cri().start_container(*c));
        auto ip = node->cri().pod_status(*id)->ip;
        while (true) {
          auto r = validate::http_get("http://" + ip + ":8080/healthz", milliseconds(1000));
          if (r && r->status == 200) break;
          std::this_thread::sleep_for(milliseconds(5));
        }
        raw.push_back(ms_since(t0));
        ASSERT_TRUE(node->cri().stop_pod(*id));
        ASSERT_TRUE(node->cri().remove_pod(*id));
      }
      // validate's path.
      validate::PodRun run;
      run.workload = workload;
      ASSERT_TRUE(validate::deploy_pod(*node, placement, seconds(30), run));
      ours.push_back(run.ready_ms);
      ASSERT_TRUE(validate::remove_pod(*node, run));
    }
    std::sort(raw.begin(), raw.end());
    std::sort(ours.begin(), ours.end());
    std::printf("[ bench ] %s ready, median of %d: bare CRI %lld ms, validate %lld ms\n", rt,
                rounds, raw[rounds / 2], ours[rounds / 2]);
    EXPECT_LE(ours[rounds / 2], raw[rounds / 2] * 11 / 10 + 20) << rt;
  }
  ASSERT_TRUE(node->down());
}

}  // namespace
}  // namespace mkata
