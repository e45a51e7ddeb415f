// The runsc adapter's decisions, with a fake at the exec seam: which runsc command runs how, and
// how runsc's failures become answers the runc shim understands. The real proof is
// tests/integration/adapters_test.cc (real containerd, real runsc, real pods).
#include "adapters/runsc_adapter.h"

#include <gtest/gtest.h>

#include "adapters/fake_adapter_system.h"

namespace mkata::adapters {
namespace {

const std::vector<std::string> kGlobals = {"--root",      "/r/k8s.io",    "--log",
                                           "/b/log.json", "--log-format", "json"};
const char* kRunsc = "runsc --root /r/k8s.io --log /b/log.json --log-format json --platform=ptrace";

RuncCommandLine parse(std::vector<std::string> rest) {
  std::vector<std::string> args = kGlobals;
  args.insert(args.end(), rest.begin(), rest.end());
  return *parse_runc_command_line(args);
}

ProcessResult exited(int code, std::string out, std::string err = "") {
  return ProcessResult{code, 0, false, std::move(out), std::move(err)};
}

TEST(RunscAdapter, GlobalFlagsPlatformRootOverrideAndExtraFlags) {
  RunscAdapterConfig config;
  EXPECT_EQ(join(runsc_global_argv(config, parse({"state", "a"})), " "), kRunsc);
  config.runsc = "/usr/bin/runsc";
  config.root = "/run/gv";
  config.flags = {"--network=sandbox"};
  EXPECT_EQ(join(runsc_global_argv(config, parse({"state", "a"}), /*with_log=*/false), " "),
            "/usr/bin/runsc --root=/run/gv --platform=ptrace --network=sandbox");
}

TEST(RunscAdapter, SandboxContainerCreateIsPassedThrough) {
  FakeAdapterSystem system;
  system.files["/b/config.json"] =
      R"({"annotations":{"io.kubernetes.cri.container-type":"sandbox"}})";
  auto r = run_runsc_adapter(
      {}, parse({"create", "--bundle", "/b", "--pid-file", "/b/init.pid", "pod1"}), system);
  ASSERT_FALSE(r);
  EXPECT_EQ(system.calls,
            (std::vector<std::string>{std::string("exec ") + kRunsc +
                                      " create --bundle /b --pid-file /b/init.pid pod1"}));
}

TEST(RunscAdapter, AppContainerCreatePutsAWaiterInThePidFile) {
  FakeAdapterSystem system;
  system.files["/b/config.json"] =
      R"({"annotations":{"io.kubernetes.cri.container-type":"container"}})";
  auto r = run_runsc_adapter(
      {}, parse({"create", "--bundle", "/b", "--pid-file", "/b/init.pid", "app1"}), system);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, 0);
  EXPECT_EQ(system.calls,
            (std::vector<std::string>{std::string("run-inheriting ") + kRunsc +
                                          " create --bundle /b --pid-file /b/init.pid app1",
                                      "fork-waiter", "write /b/init.pid 4242"}));
  // The waiter: created → created → running, then `runsc wait` reports exit 143.
  system.calls.clear();
  system.captured = {exited(0, R"({"status":"created"})"), exited(0, R"({"status":"created"})"),
                     exited(0, R"({"status":"running"})"),
                     exited(0, R"({"id":"app1","exitStatus":143})")};
  EXPECT_EQ(system.waiter_body(), 143);
  const std::string waiter = "runsc --root /r/k8s.io --platform=ptrace";
  EXPECT_EQ(system.calls, (std::vector<std::string>{"run " + waiter + " state app1", "sleep 20",
                                                    "run " + waiter + " state app1", "sleep 40",
                                                    "run " + waiter + " state app1",
                                                    "run-untimed " + waiter + " wait app1"}));
}

TEST(RunscAdapter, FailedAppCreateStartsNoWaiter) {
  FakeAdapterSystem system;
  system.files["/b/config.json"] =
      R"({"annotations":{"io.kubernetes.cri.container-type":"container"}})";
  system.inheriting_exit = 1;
  auto r =
      run_runsc_adapter({}, parse({"create", "--bundle", "/b", "--pid-file", "/b/p", "a"}), system);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(system.calls.size(), 1u);
}

TEST(RunscAdapter, WaiterReportsAVanishedContainerAsKilled) {
  FakeAdapterSystem system;
  system.captured = {exited(1, "", "container does not exist")};
  EXPECT_EQ(wait_for_container(system, {"runsc"}, "a"), 137);
  system.captured = {exited(0, R"({"status":"stopped"})"), exited(1, "", "gone")};
  EXPECT_EQ(wait_for_container(system, {"runsc"}, "a"), 137);
}

const char* kPodNetnsSpec =
    R"({"linux":{"namespaces":[{"type":"pid"},{"type":"network","path":"/run/n/cni-1"}]}})";

TEST(RunscAdapter, StartRunsWithHiddenProcSysNetAndOutputToAFile) {
  FakeAdapterSystem system;
  system.files["/b/config.json"] = kPodNetnsSpec;
  auto r = run_runsc_adapter({}, parse({"start", "app1"}), system);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, 0);
  EXPECT_EQ(system.calls, (std::vector<std::string>{"to-file[hidden] /b/runsc-start-app1.out " +
                                                        std::string(kRunsc) + " start app1",
                                                    "remove /b/runsc-start-app1.out"}));
}

TEST(RunscAdapter, StartInTheHostNetnsDoesNotHideTheRootNetnsCheck) {
  // Host network: runsc must keep refusing, or it would take the host's addresses.
  FakeAdapterSystem system;
  system.files["/b/config.json"] = R"({"linux":{"namespaces":[{"type":"pid"}]}})";
  ASSERT_TRUE(run_runsc_adapter({}, parse({"start", "p"}), system));
  EXPECT_EQ(system.calls[0], "to-file /b/runsc-start-p.out " + std::string(kRunsc) + " start p");
  EXPECT_TRUE(has_own_network_namespace(kPodNetnsSpec));
  EXPECT_FALSE(has_own_network_namespace("{}"));
}

TEST(RunscAdapter, StartFindsTheBundleInTheOciStateWhenTheLogIsElsewhere) {
  // Podman: conmon and podman run the runtime outside the bundle, with --log elsewhere (or none).
  FakeAdapterSystem system;
  system.files["/bundles/c1/config.json"] = kPodNetnsSpec;
  system.captured.push_back(exited(0, R"({"id":"c1","status":"created","bundle":"/bundles/c1"})"));
  auto line =
      *parse_runc_command_line({"--root", "/r", "--log", "/var/log/podman/c1.log", "start", "c1"});
  auto r = run_runsc_adapter({}, line, system);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(system.calls,
            (std::vector<std::string>{
                "run runsc --root /r --platform=ptrace state c1",
                "to-file[hidden] /bundles/c1/runsc-start-c1.out runsc --root /r --log "
                "/var/log/podman/c1.log --platform=ptrace start c1",
                "remove /bundles/c1/runsc-start-c1.out"}));
}

TEST(RunscAdapter, StartNeverWritesIntoTheCurrentDirectory) {
  // No --log and no state to ask: the output goes to /tmp, not to whatever "." is.
  FakeAdapterSystem system;
  system.captured.push_back(exited(1, "", "container does not exist"));
  auto line = *parse_runc_command_line({"--root", "/r", "start", "c2"});
  ASSERT_TRUE(run_runsc_adapter({}, line, system));
  EXPECT_EQ(system.calls[1],
            "to-file /tmp/runsc-start-c2.out runsc --root /r --platform=ptrace start c2");
  // A relative --log names no bundle either.
  FakeAdapterSystem relative;
  relative.files["./config.json"] = kPodNetnsSpec;
  auto rel = *parse_runc_command_line({"--root", "/r", "--log", "log.json", "start", "c3"});
  ASSERT_TRUE(run_runsc_adapter({}, rel, relative));
  EXPECT_EQ(relative.calls[0], "run runsc --root /r --platform=ptrace state c3");
  EXPECT_TRUE(relative.calls[1].starts_with("to-file /tmp/runsc-start-c3.out "))
      << relative.calls[1];
}

TEST(RunscAdapter, FailedStartQuotesRunscsLastLine) {
  FakeAdapterSystem system;
  system.to_file_exit = 128;
  system.to_file_output = "starting\nstarting container: cannot run with network enabled\n";
  RunscAdapterConfig config;
  config.output_dir = "/var/log/gv";
  auto r = run_runsc_adapter(config, parse({"start", "p"}), system);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "runsc start p failed (exit 128): starting container: cannot run with network "
            "enabled (full output: /var/log/gv/runsc-start-p.out)");
}

TEST(RunscAdapter, KillOfANeverStartedContainerDeletesItAndSaysNotRunning) {
  FakeAdapterSystem system;
  system.captured = {exited(1, "", "cannot signal container \"a\" in state created"),
                     exited(0, "")};
  auto r = run_runsc_adapter({}, parse({"kill", "a", "9"}), system);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "container not running (never started; deleted)");
  EXPECT_EQ(system.calls,
            (std::vector<std::string>{std::string("run ") + kRunsc + " kill a 9",
                                      std::string("run ") + kRunsc + " delete --force a"}));
}

TEST(RunscAdapter, KillWhenTheSandboxIsGoneSaysNotRunning) {
  FakeAdapterSystem system;
  system.captured = {exited(1, "", "sandbox is not running")};
  auto r = run_runsc_adapter({}, parse({"kill", "--all", "a", "9"}), system);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "container not running (runsc: sandbox is not running)");
  EXPECT_EQ(system.calls.size(), 1u);
}

TEST(RunscAdapter, OtherKillErrorsPassThroughInRunscsWords) {
  FakeAdapterSystem system;
  system.captured = {exited(1, "", "loading container \"a\": file does not exist")};
  auto r = run_runsc_adapter({}, parse({"kill", "a", "15"}), system);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "runsc kill a: loading container \"a\": file does not exist");
  system.captured = {exited(0, "")};
  EXPECT_EQ(run_runsc_adapter({}, parse({"kill", "a", "15"}), system).value_or(-1), 0);
}

TEST(RunscAdapter, EverythingElseIsPassedThrough) {
  for (std::string command : {"state", "delete", "ps", "pause", "resume", "exec", "events"}) {
    FakeAdapterSystem system;
    (void)run_runsc_adapter({}, parse({command, "a"}), system);
    EXPECT_EQ(system.calls,
              (std::vector<std::string>{"exec " + std::string(kRunsc) + " " + command + " a"}));
  }
}

TEST(RunscAdapter, RecognisesPodAppContainers) {
  EXPECT_TRUE(
      is_pod_app_container(R"({"annotations":{"io.kubernetes.cri.container-type":"container"}})"));
  EXPECT_FALSE(
      is_pod_app_container(R"({"annotations":{"io.kubernetes.cri.container-type":"sandbox"}})"));
  EXPECT_FALSE(is_pod_app_container(R"({"ociVersion":"1.0.2"})"));
  EXPECT_FALSE(is_pod_app_container("not json"));
}

}  // namespace
}  // namespace mkata::adapters
