// The embedded node and `mkata validate` on every containerd users run: Debian 12's 1.6 (on
// PATH), 1.7 (Debian 13) and 2.x (unstable), the last two from the private cache of
// scripts/fetch-versions.sh (tests/support/fetched_versions.h; skipped with the reason when it
// lacks them). Each runs runc, crun and gVisor on a node started with `--containerd`, and checks
// that all passed, that the report names that containerd's version and that nothing is left on
// the host. gVisor's platform is proven from the running sandbox: systrap with runsc 20240729,
// ptrace with Debian 12's runsc 20221219. Every failure names the containerd version.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "core/strings.h"
#include "cri/cri_client.h"
#include "embedded/containerd_program.h"
#include "embedded/embedded_node.h"
#include "embedded/handler_choice.h"
#include "host/chosen_tool.h"
#include "host/gvisor_platform.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "integration/node_test_env.h"
#include "support/fetched_versions.h"
#include "support/record_lookup.h"
#include "support/test_env.h"
#include "validate/answers.h"
#include "validate/pod_run.h"
#include "validate/sandbox_platform.h"
#include "validate/scenario.h"
#include "validate/workload_spec.h"

namespace mkata {
namespace {

using test::outcome;
using test::version_of;

using std::chrono::milliseconds;

// "1.7.24~ds1-6+deb13u1" → "1.7"; "2.1.9+unknown" → "2.1".
std::string major_minor(const std::string& version) {
  auto first = version.find('.');
  if (first == std::string::npos) return version;
  auto second = version.find_first_not_of("0123456789", first + 1);
  return version.substr(0, second);
}

class NodeVersionsTest : public test::EmbeddedValidationTest {
 protected:
  // Validates runc, crun and gVisor on a node running `containerd` ("" = the one on PATH).
  void validate_on(const std::string& containerd) {
    for (const char* rt : {"runc", "crun", "gvisor"}) {
      if (!verdict(rt).usable) GTEST_SKIP() << rt << " is not usable here";
    }
    auto program = embedded::choose_containerd(containerd);
    ASSERT_TRUE(program) << program.error().message();
    SCOPED_TRACE("containerd " + program->version + " (" + program->path + ")");
    options_.containerd = *program;
    options_.runtimes = {"runc", "crun", "gvisor"};
    auto start = std::chrono::steady_clock::now();
    auto record = validate::run_validation(options_, progress_);
    auto wall = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(record) << record.error().message();
    for (const char* rt : {"runc", "crun", "gvisor"}) {
      const auto* o = outcome(*record, rt);
      ASSERT_NE(o, nullptr) << rt;
      EXPECT_EQ(o->status, "passed") << rt << ": " << o->reason;
      EXPECT_EQ(o->handler, rt);
      ASSERT_EQ(o->answers.size(), 2u) << rt;
      EXPECT_EQ(o->answers[0].second, "Hello World: " + validate::helloworld_target(rt) + "!\n");
      EXPECT_FALSE(o->evidence.empty()) << rt;
    }
    // gVisor ran on the platform check recommends for the runsc in use — read from the sandbox.
    auto facts = host::probe_host(*host::live_host());
    ASSERT_TRUE(facts);
    const auto* gvisor = outcome(*record, "gvisor");
    EXPECT_EQ(gvisor->platform, facts->gvisor.recommended) << gvisor->platform_evidence;
    EXPECT_NE(gvisor->platform_evidence.find(facts->gvisor.recommended), std::string::npos)
        << gvisor->platform_evidence;
    // The report names the containerd that ran: CRI Version's runtime_version.
    EXPECT_EQ(major_minor(version_of(*record, "containerd")), major_minor(program->version));
    EXPECT_EQ(version_of(*record, "containerd program"), program->path);
    EXPECT_EQ(version_of(*record, "containerd config schema"),
              program->schema == node::ConfigSchema::kV3 ? "v3" : "v2");
    EXPECT_TRUE(record->passed) << record->error;
    std::printf("[ timing ] containerd %s: validate runc+crun+gvisor (node up and down) %lld ms\n",
                program->version.c_str(), static_cast<long long>(wall.count()));
    test::expect_nothing_left(options_.node, {}, forward_before_);
  }
};

TEST_F(NodeVersionsTest, ValidateOnContainerd16FromPath) {
  if (!find_executable("containerd")) GTEST_SKIP() << "containerd is not installed";
  validate_on("");
}

TEST_F(NodeVersionsTest, ValidateOnContainerd17) {
  MKATA_REQUIRE_FETCHED(pkg, "containerd", "trixie");
  validate_on(pkg.file("/usr/bin/containerd"));
}

TEST_F(NodeVersionsTest, ValidateOnContainerd2x) {
  MKATA_REQUIRE_FETCHED(pkg, "containerd", "sid");
  validate_on(pkg.file("/usr/bin/containerd"));
}

// runsc 20240729 has systrap: the node runs it (set explicitly on the handler) and the report
// says so, from the sandbox's own command line. On containerd 2.x (the newest schema) when the
// cache has it, else on the one on PATH.
TEST_F(NodeVersionsTest, GvisorWithRunsc20240729RunsSystrap) {
  if (!verdict("gvisor").usable) GTEST_SKIP() << "gvisor is not usable here";
  MKATA_REQUIRE_FETCHED(runsc_pkg, "runsc", "trixie");
  auto runsc = host::tool_named_by_flag("--runsc", "runsc", runsc_pkg.file("/usr/bin/runsc"));
  ASSERT_TRUE(runsc) << runsc.error().message();
  ASSERT_GE(host::runsc_release_date(runsc->version), host::kSystrapSince) << runsc->version;
  options_.runsc = *runsc;
  options_.runtimes = {"gvisor"};
  auto sid = test::fetched_package("containerd", "sid");
  if (sid.available()) {
    auto containerd = embedded::choose_containerd(sid.file("/usr/bin/containerd"));
    ASSERT_TRUE(containerd) << containerd.error().message();
    options_.containerd = *containerd;
  }
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  const auto* o = outcome(*record, "gvisor");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, "passed") << o->reason;
  EXPECT_EQ(o->platform, "systrap") << o->platform_evidence;
  EXPECT_NE(o->platform_evidence.find("--platform=systrap"), std::string::npos)
      << o->platform_evidence;
  EXPECT_EQ(version_of(*record, "runsc"), runsc->version);
  test::expect_nothing_left(options_.node, {}, forward_before_);
}

// Debian 12's runsc predates systrap: ptrace, proven the same way.
TEST_F(NodeVersionsTest, GvisorWithDebian12RunscRunsPtrace) {
  auto facts = host::probe_host(*host::live_host());
  ASSERT_TRUE(facts);
  const auto& runsc = facts->tools.get("runsc");
  if (!runsc.installed() || !verdict("gvisor").usable) GTEST_SKIP() << "gvisor is not usable";
  if (host::runsc_release_date(runsc.version) >= host::kSystrapSince) {
    GTEST_SKIP() << "the system's runsc " << runsc.version << " has systrap";
  }
  options_.runtimes = {"gvisor"};
  auto record = validate::run_validation(options_, progress_);
  ASSERT_TRUE(record) << record.error().message();
  const auto* o = outcome(*record, "gvisor");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, "passed") << o->reason;
  EXPECT_EQ(o->platform, "ptrace") << o->platform_evidence;
  // runsc 20221219 leaves its default off the sandbox's command line: the kernel shows it.
  EXPECT_NE(o->platform_evidence.find("is ptrace-traced by it"), std::string::npos)
      << o->platform_evidence;
  test::expect_nothing_left(options_.node, {}, forward_before_);
}

// Bad --containerd / --runsc values: one usage line (exit 2) naming the flag and the value,
// before anything is touched.
TEST_F(NodeVersionsTest, BadProgramFlagsFailBeforeAnythingChanges) {
  auto r =
      test::run_mkata({"node", "up", "--containerd", "/nonexistent/containerd"}, options_.node);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("mkata: error: node: --containerd '/nonexistent/containerd': no such "
                       "file (accepted: the path of a containerd program whose --version prints "
                       "its version)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(path_exists(options_.node.state_dir));
  test::TempDir dir;
  auto plain = dir / "runsc";
  ASSERT_TRUE(write_file_atomic(plain, "not a program\n", 0644));
  r = test::run_mkata({"validate", "--runsc", plain}, options_.node);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("mkata: error: validate: --runsc '" + plain + "': not an executable file"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(path_exists(options_.node.state_dir));
  r = test::run_mkata({"node", "down", "--runsc", "/usr/bin/true"}, options_.node);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--runsc is for 'node up' (the action is down)"), std::string::npos)
      << r.err;
}

// `mkata check --runsc PATH` judges that runsc: systrap for 20240729.
TEST_F(NodeVersionsTest, CheckSaysWhichPlatformForTheChosenRunsc) {
  MKATA_REQUIRE_FETCHED(runsc_pkg, "runsc", "trixie");
  auto path = runsc_pkg.file("/usr/bin/runsc");
  auto r = test::run_mkata_cli({"check", "--runsc", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("gvisor platforms (mkata would use: systrap, with " + path + " "),
            std::string::npos)
      << r.out;
}


// The CRI replies the node and validate rely on, from each containerd: Version, the verbose
// Status' loaded config (the handler read-back) and the verbose PodSandboxStatus (the sandbox
// pid). Parsed live here; with MKATA_CRI_CAPTURE_DIR set they are also written there, which is
// where src/cri/testdata/containerd-*.json come from (the unit tests parse those).
TEST_F(NodeVersionsTest, CriRepliesOfEveryContainerdParse) {
  std::vector<std::pair<std::string, std::string>> versions = {{"system", ""}};
  for (const char* suite : {"trixie", "sid"}) {
    auto pkg = test::fetched_package("containerd", suite);
    if (pkg.available()) versions.emplace_back(suite, pkg.file("/usr/bin/containerd"));
  }
  if (!find_executable("containerd")) GTEST_SKIP() << "containerd is not installed";
  auto facts = host::probe_host(*host::live_host());
  ASSERT_TRUE(facts);
  const char* capture = std::getenv("MKATA_CRI_CAPTURE_DIR");
  for (const auto& [name, path] : versions) {
    auto program = embedded::choose_containerd(path);
    ASSERT_TRUE(program) << program.error().message();
    SCOPED_TRACE("containerd " + program->version);
    auto layout = embedded::NodeLayout::of(options_.node);
    auto runc = embedded::handler_for_runtime("runc", *facts, layout);
    ASSERT_TRUE(runc);
    Progress progress(false);
    auto node = embedded::EmbeddedNode::up({options_.node, {*runc}, "", *program}, progress);
    ASSERT_TRUE(node) << node.error().message();
    auto version = node->cri().version();
    auto status = node->cri().status(true);
    ASSERT_TRUE(version && status);
    EXPECT_EQ(version->runtime_name, "containerd");
    EXPECT_EQ(major_minor(version->runtime_version), major_minor(program->version));
    auto loaded = cri::parse_runtime_handler_details(status->info["config"]);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->at("runc").runtime_type, "io.containerd.runc.v2");

    validate::PodPlacement placement{"runc", "runc", options_.node.network_name,
                                     layout.cgroup_parent,
                                     options_.node.state_dir + "/pods/capture", random_hex(16)};
    validate::PodRun run;
    run.workload = validate::validation_workloads("runc", node->description().images).front();
    auto started = validate::start_pod(*node, placement, run);
    ASSERT_TRUE(started) << started.error().message();
    auto pod = node->cri().pod_status(run.pod_id, true);
    ASSERT_TRUE(pod) << pod.error().message();
    auto pid = validate::sandbox_pid_of(pod->info);
    EXPECT_TRUE(pid) << pid.error().message();
    if (capture && *capture) {
      std::string prefix = std::string(capture) + "/containerd-" + major_minor(program->version);
      EXPECT_TRUE(write_file_atomic(prefix + "-version.txt", version->runtime_version + "\n"));
      EXPECT_TRUE(write_file_atomic(prefix + "-status-config.json", status->info["config"]));
      EXPECT_TRUE(write_file_atomic(prefix + "-pod-status-info.json", pod->info["info"]));
    }
    EXPECT_TRUE(validate::remove_pod(*node, run));
    EXPECT_TRUE(node->down());
    test::expect_nothing_left(options_.node, {run.pod_id}, forward_before_);
  }
}


// mkata and containerd 2.x both killed mid-validate: `node down` starts the SAME containerd
// again (the ledger records the program; a schema v3 config means nothing to 1.6) so that CRI
// removes the pods, and leaves nothing behind.
TEST_F(NodeVersionsTest, KilledValidateOnContainerd2xThenNodeDownRevivesThatContainerd) {
  MKATA_REQUIRE_FETCHED(pkg, "containerd", "sid");
  std::vector<std::string> argv = {test::mkata_binary(), "validate", "--runtime", "runc",
                                   "--containerd", pkg.file("/usr/bin/containerd")};
  for (auto& f : test::node_flags(options_.node)) argv.push_back(f);
  SpawnOptions spawn_options;
  spawn_options.stdout_path = "/dev/null";
  auto child = spawn(argv, spawn_options);
  ASSERT_TRUE(child) << child.error().message();
  ASSERT_TRUE(test::wait_for_pods(options_.node, 2, std::chrono::seconds(60)))
      << "no pods were started";
  auto pods = test::recorded_pods(options_.node);
  auto changes = embedded::Ledger(embedded::NodeLayout::of(options_.node).ledger).read();
  ASSERT_TRUE(changes);
  auto plan = embedded::plan_teardown(*changes);
  ASSERT_GT(plan.containerd_pid, 0);
  EXPECT_EQ(plan.containerd_program, pkg.file("/usr/bin/containerd"));
  kill(child->pid(), SIGKILL);
  kill(plan.containerd_pid, SIGKILL);
  child->wait_for(std::chrono::seconds(10));

  auto down = test::run_mkata({"node", "down"}, options_.node);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_NE(down.out.find("2 pods removed through CRI"), std::string::npos) << down.out;
  test::expect_nothing_left(options_.node, pods, forward_before_);
}

}  // namespace
}  // namespace mkata
