#include "report/run_checks.h"

#include <gtest/gtest.h>

#include "core/strings.h"
#include "report/report_test_support.h"

namespace mkata::report {
namespace {

const std::vector<std::string> kWorkloads = {"helloworld", "autoscale"};

RuntimeOutcome ran(const std::string& reason, bool verified) {
  RuntimeOutcome r;  // member by member: the record may gain fields
  r.name = r.handler = "runc";
  r.display_name = "runc Containers";
  r.status = reason.empty() ? "passed" : "failed";
  r.reason = reason;
  r.timings = {{"deploy_and_ready", 900}, {"helloworld_ready", 610}, {"autoscale_ready", 640}};
  if (verified) r.timings.push_back({"verify", 20});
  r.timings.push_back({"total", 1500});
  return r;
}

std::string summary(const std::vector<CheckResult>& checks) {
  std::vector<std::string> lines;
  for (const auto& c : checks) {
    lines.push_back(c.name + ": " + c.status + (c.message.empty() ? "" : " (" + c.message + ")"));
  }
  return join(lines, "\n");
}

TEST(RunChecks, ARealRunListsEveryWorkloadAndIsolationRule) {
  auto record = test::real_run();
  EXPECT_EQ(record_workloads(record), (std::vector<std::string>{"autoscale", "helloworld"}));
  auto all = checks_of(record);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(summary(all[2].checks),
            "usable: passed\nautoscale ready: passed\nhelloworld ready: passed\n"
            "autoscale answer: passed\nhelloworld answer: passed\n"
            "isolation: kernel_release must differ from the host (or kernel_version must): passed\n"
            "isolation: kernel_version must differ from the host (or kernel_release must): passed\n"
            "isolation: boot_id must differ from the host: passed");
  EXPECT_EQ(all[2].checks[2].ms, 1425);
  EXPECT_TRUE(all[1].checks[0].evidence.starts_with("cgroup layout is hybrid")) << "check's note";
  EXPECT_EQ(all[2].checks[4].evidence, "answered: Hello World: gVisor Containers!\n");
  EXPECT_EQ(all[2].checks[7].evidence,
            "pod: null\nhost: 0fda2890-d59a-49e2-a55f-d066040c6d69\nrule: must differ from the "
            "host");
  auto kata = count_checks(all[3].checks);
  EXPECT_EQ(kata.skipped, 6);
  EXPECT_EQ(kata.total(), 6);
  EXPECT_EQ(all[3].checks[1].message,
            "not usable here: vhost_vsock is not available: no /dev/vhost-vsock and no "
            "vhost_vsock module loaded; Kata shim containerd-shim-kata-v2 is not installed");
}

TEST(RunChecks, ADeployFailureIsThatWorkloadsReadiness) {
  auto checks = runtime_checks(
      ran("autoscale did not become ready within 30000 ms (last: GET http://100.64.0.9:8080/"
          "healthz: connection refused); teardown: x",
          false),
      kWorkloads);
  EXPECT_EQ(summary(checks),
            "usable: passed\nhelloworld ready: passed\n"
            "autoscale ready: failed (autoscale did not become ready within 30000 ms (last: GET "
            "http://100.64.0.9:8080/healthz: connection refused))\n"
            "helloworld answer: skipped (not reached: the workloads were not all ready)\n"
            "autoscale answer: skipped (not reached: the workloads were not all ready)\n"
            "isolation: skipped (not reached: no pod answered /info)");
  EXPECT_EQ(checks[2].evidence,
            "autoscale did not become ready within 30000 ms (last: GET "
            "http://100.64.0.9:8080/healthz: connection refused)\nteardown: x\n"
            "ready: 640 ms");
  EXPECT_EQ(checks[2].ms, 640);
}

TEST(RunChecks, AnAnswerOrIsolationFailureAfterReadiness) {
  auto r = ran("helloworld answered 'hi' (expected 'Hello World: runc Containers!\\n')", true);
  r.answers = {{"helloworld", "hi"}};
  EXPECT_EQ(summary(runtime_checks(r, kWorkloads)),
            "usable: passed\nhelloworld ready: passed\nautoscale ready: passed\n"
            "helloworld answer: failed (helloworld answered 'hi' (expected 'Hello World: runc "
            "Containers!\\n'))\n"
            "autoscale answer: skipped (not reached: an earlier answer failed)\n"
            "isolation: skipped (not reached: no pod answered /info)");
  auto g = ran("pod is not sandboxed: it shows the host's kernel (boot_id b1)", true);
  g.answers = {{"helloworld", "ok"}, {"autoscale", "ok"}};
  g.evidence = {{"boot_id", "b1", "b1", "must differ from the host", false}};
  auto checks = runtime_checks(g, kWorkloads);
  EXPECT_EQ(checks.back().name, "isolation: boot_id must differ from the host");
  EXPECT_EQ(checks.back().status, "failed");
  EXPECT_EQ(checks.back().evidence,
            "pod is not sandboxed: it shows the host's kernel (boot_id b1)\n"
            "pod: b1\nhost: b1\nrule: must differ from the host");
}

TEST(RunChecks, EveryFailureTextLandsInExactlyOneCheck) {
  for (const auto& [reason, verified] : std::vector<std::pair<std::string, bool>>{
           {"CRI RunPodSandbox: deadline exceeded", false},
           {"deploy helloworld: CRI RunPodSandbox (handler x): boom; more detail", false},
           {"helloworld: /info is not JSON; autoscale slept 50 ms, less than the 100 ms "
            "requested",
            true},
           {"pod does not run in a virtual machine: no hypervisor CPU flag", true}}) {
    auto checks = runtime_checks(ran(reason, verified), kWorkloads);
    std::string all;
    int failed = 0;
    for (const auto& c : checks) {
      if (c.status == "failed") ++failed, all += c.evidence + "\n";
    }
    EXPECT_GE(failed, 1) << reason;
    for (const auto& part : split(reason, ';')) {
      auto text = trim(part);
      size_t first = all.find(text);
      EXPECT_NE(first, std::string::npos) << text << "\n" << summary(checks);
      EXPECT_EQ(all.find(text, first + 1), std::string::npos) << text << "\n" << all;
    }
  }
  EXPECT_EQ(
      runtime_checks(ran("CRI RunPodSandbox: deadline exceeded", false), kWorkloads).back().name,
      "other");
}

TEST(RunChecks, ARuntimeRefusedBeforeItRanFailsItsUsableCheck) {
  RuntimeOutcome kata;
  kata.name = "kata";
  kata.display_name = "Kata Containers";
  kata.status = "failed";
  kata.reason = "requested but not usable here: no /dev/kvm";
  EXPECT_EQ(summary(runtime_checks(kata, {"helloworld"})),
            "usable: failed (requested but not usable here: no /dev/kvm)\n"
            "helloworld ready: skipped (not run: the runtime was not usable)\n"
            "helloworld answer: skipped (not run: the runtime was not usable)\n"
            "isolation: skipped (not run: the runtime was not usable)");
}

}  // namespace
}  // namespace mkata::report
