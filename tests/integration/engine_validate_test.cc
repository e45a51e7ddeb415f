// `mkata validate --target docker|podman` for real, as root, against engines of the test's own
// (tests/support/private_engines.h: a private dockerd — Debian 12's 20.10 and, where the cache of
// fetched versions has it, Docker Engine 28 from Debian unstable: every Docker test runs on both —
// on bridge mk-dock0, 100.64.30.0/24;
// rootful Podman 4.3 with its own config, storage and CNI network mk-podnet, 100.64.31.0/24),
// with the runtimes registered the way `mkata install --engine` registers them:
//  - runc, crun and gVisor pass under Docker and under Podman, with the isolation evidence; Kata
//    is skipped with check's reason here (no KVM with vhost-vsock);
//  - a Docker runtime called "gvisor" whose path is runc fails: "pod is not sandboxed";
//  - Ctrl-C in the middle leaves no container, image, temp dir or process of the run;
//  - an engine that does not answer is an error before anything runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/http_client.h"
#include "core/process.h"
#include "core/strings.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "node/engine_config.h"
#include "node/runtime_plan.h"
#include "support/fetched_versions.h"
#include "support/private_engines.h"
#include "support/record_lookup.h"
#include "support/test_env.h"
#include "validate/answers.h"
#include "validate/scenario.h"

namespace mkata {
namespace {

using test::outcome;
using test::version_of;

using std::chrono::seconds;

long long total_ms(const report::ValidationRecord& r) {
  for (const auto& t : r.timings) {
    if (t.phase == "total") return t.ms;
  }
  return -1;
}

host::RuntimeVerdict verdict(const std::string& runtime) {
  auto facts = host::probe_host(*host::live_host());
  return facts ? host::judge_runtimes(*facts)[runtime] : host::RuntimeVerdict{};
}

std::string adapter_dir() { return binary_path("/adapters"); }

// daemon.json `runtimes` as `mkata install --engine docker` writes them on this host (the
// adapters from the build tree).
std::string docker_runtimes(const std::vector<std::string>& runtimes) {
  std::vector<std::string> notes, entries;
  for (const auto& rt : runtimes) {
    auto h = node::plan_runtime(rt, node::probe_runtime_host("/"), {"", adapter_dir()}, notes);
    EXPECT_TRUE(h) << h.error().message();
    auto json = node::docker_runtime_json(*h);
    EXPECT_TRUE(json) << json.error().message();
    entries.push_back("\"" + rt + "\": " + *json);
  }
  return "{" + join(entries, ", ") + "}";
}

// Processes whose command line mentions `needle` (a private engine's directory), except the
// engine's own daemons: what a removed container would leave running (shims, conmon, runsc).
std::vector<std::string> processes_mentioning(const std::string& needle,
                                              const std::vector<std::string>& except) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string pid = e.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = read_file(e.path().string() + "/cmdline");
    if (!cmdline || cmdline->find(needle) == std::string::npos) continue;
    std::string program = cmdline->substr(0, cmdline->find('\0'));
    program = program.substr(program.rfind('/') + 1);
    if (std::find(except.begin(), except.end(), program) != except.end()) continue;
    found.push_back(pid + " " + program);
  }
  return found;
}

// The mkata temp dirs for image archives that exist now.
std::vector<std::string> image_temp_dirs() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/tmp", ec)) {
    if (e.path().filename().string().starts_with("mkata-images-")) out.push_back(e.path());
  }
  return out;
}

// Starts `mkata validate` (argv), waits until `started()` says the run has a container, sends
// SIGINT and returns the exit status (nullopt when it did not stop within a minute).
std::optional<int> interrupt_in_the_middle(const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env,
                                           const std::function<bool()>& started) {
  SpawnOptions spawn_options;
  spawn_options.stdout_path = "/dev/null";
  spawn_options.env = env;
  auto child = spawn(argv, spawn_options);
  EXPECT_TRUE(child) << child.error().message();
  if (!child) return std::nullopt;
  bool seen = false;
  for (int i = 0; i < 600 && !seen; ++i) {
    seen = started();
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(seen) << "no container was started";
  kill(child->pid(), SIGINT);
  auto status = child->wait_for(seconds(60));
  EXPECT_TRUE(status.has_value()) << "validate did not stop after SIGINT";
  if (!status) {
    kill(child->pid(), SIGKILL);
    (void)child->wait_for(seconds(10));
    return std::nullopt;
  }
  EXPECT_TRUE(WIFEXITED(*status));
  return WEXITSTATUS(*status);
}

// The run's runtimes passed with evidence; kata as check says.
void expect_three_pass(const report::ValidationRecord& record) {
  for (const char* rt : {"runc", "crun", "gvisor"}) {
    const auto* o = outcome(record, rt);
    ASSERT_NE(o, nullptr) << rt;
    EXPECT_EQ(o->status, "passed") << rt << ": " << o->reason;
    ASSERT_EQ(o->answers.size(), 2u) << rt;
    EXPECT_EQ(o->answers[0].second, "Hello World: " + validate::helloworld_target(rt) + "!\n");
    EXPECT_FALSE(o->evidence.empty()) << rt;
    for (const auto& e : o->evidence) EXPECT_TRUE(e.ok) << rt << " " << e.field;
  }
  const auto* kata = outcome(record, "kata");
  ASSERT_NE(kata, nullptr);
  if (!verdict("kata").usable) {
    EXPECT_EQ(kata->status, "skipped");
    EXPECT_TRUE(kata->reason.starts_with("not usable here: ")) << kata->reason;
  }
}

// Which dockerd a Docker test runs: "20.10" (Debian 12's, on PATH) or "28" (Debian unstable's,
// from the cache of fetched versions).
class DockerTargetTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (starts a private dockerd)";
    if (GetParam() == "28") {
      MKATA_REQUIRE_FETCHED(docker, "docker.io", "sid");
      dockerd_options_.binary = docker.file("/usr/sbin/dockerd");
    } else if (!find_executable("dockerd")) {
      GTEST_SKIP() << "dockerd is not installed";
    }
    for (const char* rt : {"runc", "crun", "gvisor"}) {
      if (!verdict(rt).usable) GTEST_SKIP() << rt << " is not usable here";
    }
  }
  Result<void> start(const std::string& runtimes) {
    auto d = test::PrivateDockerd::start(tmp_ / "docker", runtimes, dockerd_options_);
    if (!d) return fail(d.error());
    dockerd_ = std::move(*d);
    options_.target = "docker";
    options_.docker_socket = dockerd_->socket();
    return {};
  }
  // What of mkata is left in the daemon: containers and images of mkata.local.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> left;
    if (auto c = dockerd_->docker({"ps", "--all", "--quiet", "--filter", "label=mkata.dev/run"})) {
      if (!trim(*c).empty()) left.push_back("containers: " + trim(*c));
    }
    if (auto i = dockerd_->docker({"images", "--quiet", "mkata.local/*"})) {
      if (!trim(*i).empty()) left.push_back("images: " + trim(*i));
    }
    for (const auto& d : image_temp_dirs()) left.push_back("temp dir " + d);
    for (const auto& p : processes_mentioning(tmp_.path(), {"dockerd", "containerd"})) {
      left.push_back("process " + p);
    }
    return left;
  }

  test::TempDir tmp_{"mkata-docker-target"};
  test::DockerdOptions dockerd_options_;
  std::unique_ptr<test::PrivateDockerd> dockerd_;
  validate::ValidateOptions options_;
  Progress progress_{false};
};

INSTANTIATE_TEST_SUITE_P(Engines, DockerTargetTest, ::testing::Values("20.10", "28"),
                         [](const auto& param_info) {
                           std::string name = "Docker" + param_info.param;
                           std::erase(name, '.');
                           return name;
                         });

TEST_P(DockerTargetTest, RuncCrunAndGvisorPassWithIsolationEvidence) {
  const std::string firewall = test::firewall_rules();
  ASSERT_TRUE(start(docker_runtimes({"crun", "gvisor"})));
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_TRUE(record->passed) << record->error;
  EXPECT_EQ(record->target, "docker");
  EXPECT_EQ(record->target_description,
            "Docker Engine " + dockerd_->version() + " at " + dockerd_->socket());
  EXPECT_EQ(version_of(*record, "docker"), dockerd_->version());
  EXPECT_EQ(version_of(*record, "docker runtime gvisor"),
            adapter_dir() + "/" + node::kRunscAdapterName);
  expect_three_pass(*record);
  std::printf(
      "[ timing ] validate --target docker on %s (runc+crun+gvisor, images loaded and removed): "
      "%lld ms\n",
      dockerd_->version().c_str(), total_ms(*record));
  for (const auto& t : record->timings)
    std::printf("[ timing ]   %s %lld ms\n", t.phase.c_str(), t.ms);
  for (const auto& o : record->runtimes) {
    std::string phases;
    for (const auto& t : o.timings) phases += " " + t.phase + "=" + std::to_string(t.ms);
    std::printf("[ timing ]   runtime %s:%s ms\n", o.name.c_str(), phases.c_str());
  }
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  // --iptables=false --ip6tables=false: no rule or chain of dockerd's, also on 28.
  dockerd_->stop();
  EXPECT_EQ(test::firewall_rules(), firewall);
}

TEST_P(DockerTargetTest, AGvisorRuntimeWhosePathIsRuncIsNotSandboxed) {
  ASSERT_TRUE(start(R"({"gvisor": {"path": "/usr/bin/runc"}})"));
  options_.runtimes = {"gvisor"};
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_FALSE(record->passed);
  const auto* o = outcome(*record, "gvisor");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, "failed");
  EXPECT_TRUE(o->reason.starts_with("pod is not sandboxed: ")) << o->reason;
  EXPECT_EQ(version_of(*record, "docker runtime gvisor"), "/usr/bin/runc");
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST_P(DockerTargetTest, ARuntimeDockerDoesNotHaveIsSkippedOrFailedWithDockersAnswer) {
  ASSERT_TRUE(start(""));
  // Engine 28 no longer lists the legacy io.containerd.runtime.v1.linux.
  std::string builtin = GetParam() == "28"
                            ? "io.containerd.runc.v2, runc"
                            : "io.containerd.runc.v2, io.containerd.runtime.v1.linux, runc";
  options_.runtimes = {"runc", "crun"};
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  const auto* crun = outcome(*record, "crun");
  ASSERT_NE(crun, nullptr);
  EXPECT_EQ(crun->status, "failed");
  EXPECT_EQ(crun->reason, "requested but not usable here: Docker " + dockerd_->version() +
                              " has no runtime named crun (it has: " + builtin + ")");
  EXPECT_EQ(outcome(*record, "runc")->status, "passed") << outcome(*record, "runc")->reason;
}

TEST_P(DockerTargetTest, CtrlCInTheMiddleLeavesNothingOfTheRun) {
  ASSERT_TRUE(start(docker_runtimes({"gvisor"})));
  std::vector<std::string> argv = {binary_path("/src/cli/mkata"),
                                   "validate",
                                   "--target",
                                   "docker",
                                   "--docker-host",
                                   dockerd_->host(),
                                   "--runtime",
                                   "runc",
                                   "--runtime",
                                   "gvisor",
                                   "--json",
                                   "/dev/null"};
  auto status = interrupt_in_the_middle(argv, {}, [this] {
    auto c = dockerd_->docker({"ps", "--all", "--quiet", "--filter", "label=mkata.dev/run"});
    return c && !trim(*c).empty();
  });
  EXPECT_EQ(status, 130);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST(DockerTarget, NoDaemonIsAnErrorBeforeAnythingRuns) {
  auto r = run({binary_path("/src/cli/mkata"), "validate", "--target", "docker", "--docker-host",
                "unix:///nonexistent/docker.sock"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_TRUE(
      r->err.starts_with("mkata: error: validate: docker: GET http://localhost/info on "
                         "/nonexistent/docker.sock: "))
      << r->err;
  auto bad = run({binary_path("/src/cli/mkata"), "validate", "--target", "docker", "--docker-host",
                  "tcp://127.0.0.1:2375"});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_NE(bad->err.find("docker host 'tcp://127.0.0.1:2375' is not supported (accepted: "
                          "unix:///PATH/TO/SOCKET)"),
            std::string::npos)
      << bad->err;
}

class PodmanTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (rootful podman)";
    if (!find_executable("podman")) GTEST_SKIP() << "podman is not installed";
    for (const char* rt : {"runc", "crun", "gvisor"}) {
      if (!verdict(rt).usable) GTEST_SKIP() << rt << " is not usable here";
    }
    podman_.emplace(tmp_ / "podman");
    podman_->set_process_env();
    options_.target = "podman";
  }
  // Registers runtimes as a user would: `mkata install --engine podman` into the test's
  // containers.conf, with the adapters copied to a directory of the test's own.
  void install(const std::vector<std::string>& runtimes) {
    std::vector<std::string> argv = {binary_path("/src/cli/mkata"),
                                     "install",
                                     "--engine",
                                     "podman",
                                     "--config",
                                     podman_->conf(),
                                     "--adapter-dir",
                                     tmp_ / "adapters"};
    for (const auto& rt : runtimes) argv.insert(argv.end(), {"--runtime", rt});
    auto r = run(argv);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->exit_code, 0) << r->err;
  }
  std::vector<std::string> leftovers() const {
    std::vector<std::string> left;
    if (auto c = podman_->podman({"ps", "--all", "--quiet", "--filter", "label=mkata.dev/run"})) {
      if (!trim(*c).empty()) left.push_back("containers: " + trim(*c));
    }
    if (auto i = podman_->podman({"images", "--quiet", "--filter", "reference=mkata.local/*"})) {
      if (!trim(*i).empty()) left.push_back("images: " + trim(*i));
    }
    for (const auto& d : image_temp_dirs()) left.push_back("temp dir " + d);
    for (const auto& p : processes_mentioning(tmp_.path(), {})) left.push_back("process " + p);
    return left;
  }

  test::TempDir tmp_{"mkata-podman-target"};
  std::optional<test::PrivatePodman> podman_;
  validate::ValidateOptions options_;
  Progress progress_{false};
};

TEST_F(PodmanTargetTest, RuncCrunAndGvisorPassWithIsolationEvidence) {
  install({"crun", "gvisor"});
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_TRUE(record->passed) << record->error;
  EXPECT_EQ(record->target, "podman");
  EXPECT_TRUE(record->target_description.starts_with("Podman 4.")) << record->target_description;
  expect_three_pass(*record);
  EXPECT_EQ(version_of(*record, "podman runtime gvisor").substr(0, 1), "/");
  // Where Podman's default limits do not fit (here: hard nofile 20000, no CAP_SYS_RESOURCE),
  // the report says which --ulimit values ran.
  for (const auto& n : record->target_notes) std::printf("note: %s\n", n.c_str());
  std::printf("[ timing ] validate --target podman (runc+crun+gvisor): %lld ms\n",
              total_ms(*record));
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST_F(PodmanTargetTest, CtrlCInTheMiddleLeavesNothingOfTheRun) {
  install({"gvisor"});
  std::vector<std::string> argv = {binary_path("/src/cli/mkata"),
                                   "validate",
                                   "--target",
                                   "podman",
                                   "--runtime",
                                   "runc",
                                   "--runtime",
                                   "gvisor",
                                   "--json",
                                   "/dev/null"};
  auto status = interrupt_in_the_middle(argv, podman_->env(), [this] {
    auto c = podman_->podman({"ps", "--all", "--quiet", "--filter", "label=mkata.dev/run"});
    return c && !trim(*c).empty();
  });
  EXPECT_EQ(status, 130);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

}  // namespace
}  // namespace mkata
