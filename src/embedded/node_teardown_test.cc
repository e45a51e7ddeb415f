#include "embedded/node_teardown.h"

#include <gtest/gtest.h>

#include "embedded/host_state.h"

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
