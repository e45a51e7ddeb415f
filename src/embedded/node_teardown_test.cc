#include "embedded/node_teardown.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "core/process.h"
#include "embedded/host_state.h"
#include "support/test_env.h"

namespace mkata::embedded {
namespace {

TEST(PlanTeardown, ReplaysTheLedgerFirstBeforeWins) {
  std::vector<HostChange> changes = {
      {kChangeCniNetwork, "mk-node0", "", "/s/cni/net.d", 0},
      {kChangeSysctl, "net.ipv4.ip_forward", "0", "", 0},
      {kChangeBridge, "mk-node0", "absent", "", 0},
      {kChangeRuntimeRoot, "runc", "runc", "/s/runtimes/runc", 0},
      {kChangeContainerd, "/s/containerd.sock", "", "/s/config.toml", 100},
      {kChangePod, "aaa", "", "", 0},
      // A second up after a crash sees our own changes as "before": they must not win.
      {kChangeSysctl, "net.ipv4.ip_forward", "1", "", 0},
      {kChangeBridge, "mk-node0", "present", "", 0},
      {kChangeContainerd, "/s/containerd.sock", "", "/s/config.toml", 200},
      {kChangePod, "aaa", "", "", 0},
      {kChangePod, "bbb", "", "", 0},
      {kChangeDirectory, "/var/lib/mkata", "", "", 0},
  };
  auto plan = plan_teardown(changes);
  EXPECT_EQ(plan.sysctls,
            (std::vector<std::pair<std::string, std::string>>{{"net.ipv4.ip_forward", "0"}}));
  EXPECT_TRUE(plan.delete_bridge);
  EXPECT_EQ(plan.containerd_pid, 200);
  EXPECT_EQ(plan.pod_ids, (std::vector<std::string>{"aaa", "bbb"}));
  EXPECT_EQ(plan.runtime_roots, (std::vector<std::string>{"/s/runtimes/runc"}));
  EXPECT_EQ(plan.directories, (std::vector<std::string>{"/var/lib/mkata"}));
}

TEST(PlanTeardown, CarriesContainerdsStartTimeAndTheRecordedCgroups) {
  auto plan = plan_teardown({
      {kChangeContainerd, "/s/containerd.sock", "", "/s/config.toml", 100, 4711},
      {kChangeCgroup, "/mkata/mk-node0", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "cgroup_parent", "/.", "", 0},
  });
  EXPECT_EQ(plan.containerd_start, 4711u);
  EXPECT_EQ(plan.cgroups, (std::vector<CgroupDir>{{"/sys/fs/cgroup/pids", "/mkata/mk-node0"}}));
}

// Issue 9: `tail -f <state>/containerd.sock` was taken for the node's containerd (and killed).
// Now only a program named containerd with the exact "--address" "<socket>" pair is, and only
// when it started at the recorded time.
TEST(NodeContainerd, IdentifiedByExactArgvAndStartTimeNotBySubstring) {
  test::TempDir dir("mkata-teardown");
  NodeOptions o;
  o.state_dir = dir.path();
  auto layout = NodeLayout::of(o);
  const auto& socket = layout.containerd.address;
  auto decoy = spawn({"tail", "-F", socket, socket + ".ttrpc"});
  ASSERT_TRUE(decoy);
  // argv[0] "containerd" and the pair, as containerd's own command line has them.
  auto lookalike =
      spawn({"bash", "-c", "exec -a containerd tail -f /dev/null -- --address " + socket});
  ASSERT_TRUE(lookalike);
  unsigned long long started = 0;
  for (int i = 0; i < 200; ++i) {
    auto argv = process_argv(lookalike->pid());
    if (!argv.empty() && argv[0] == "containerd") {
      started = process_start_time(lookalike->pid());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(started, 0u);
  EXPECT_FALSE(is_node_containerd(decoy->pid(), 0, layout));
  EXPECT_TRUE(is_node_containerd(lookalike->pid(), 0, layout));
  EXPECT_TRUE(is_node_containerd(lookalike->pid(), started, layout));
  EXPECT_FALSE(is_node_containerd(lookalike->pid(), started + 1, layout)) << "a reused pid";
  EXPECT_EQ(pids_serving_address(socket), std::vector<pid_t>{lookalike->pid()});
  decoy->stop(std::chrono::milliseconds(100));
  lookalike->stop(std::chrono::milliseconds(100));
}

// `node down` takes the names from the ledger: a damaged one must not reintroduce "." (issue 9).
TEST(Teardown, ALedgerWithAnInvalidNameIsRefusedAndNothingIsTouched) {
  test::TempDir dir("mkata-teardown");
  NodeOptions o;
  o.state_dir = dir.path();
  auto layout = NodeLayout::of(o);
  ASSERT_TRUE(Ledger(layout.ledger).record({kChangeCniNetwork, ".", "", "", 0}));
  auto r = teardown_node(layout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "node down " + dir.path() + ": the ledger " + layout.ledger +
                                     " names: invalid network name '.' (accepted: 1-40 "
                                     "characters of a-z 0-9 _ -, starting with a letter or digit)");
  EXPECT_TRUE(Ledger(layout.ledger).exists());
}

TEST(PlanTeardown, ABridgeThatExistedIsKept) {
  auto plan = plan_teardown({{kChangeBridge, "br0", "present", "", 0}});
  EXPECT_FALSE(plan.delete_bridge);
  EXPECT_FALSE(plan_teardown({}).delete_bridge);
}

TEST(ShimSocket, FollowsContainerdsFormula) {
  // sha256("/s/containerd.sock/k8s.io/abc") — containerd 1.6 runtime/v2/shim/util_unix.go.
  EXPECT_EQ(shim_socket_path("/s/containerd.sock", "k8s.io", "abc").substr(0, 18),
            "/run/containerd/s/");
  EXPECT_EQ(shim_socket_path("/s/containerd.sock", "k8s.io", "abc").size(), 18u + 64u);
}

}  // namespace
}  // namespace mkata::embedded
