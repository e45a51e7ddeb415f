#include "embedded/node_options.h"

#include <gtest/gtest.h>

namespace mkata::embedded {
namespace {

TEST(NodeOptions, DefaultsAreValid) { EXPECT_TRUE(NodeOptions{}.validate()); }

TEST(NodeOptions, SubnetMustBeInsideSharedAddressSpace) {
  NodeOptions o;
  o.subnet = "100.127.255.0/24";
  EXPECT_TRUE(o.validate());
  for (std::string bad : {"10.0.0.0/24", "100.128.0.0/24", "100.64.14.1/24", "100.64.0.0/8",
                          "100.64.14.0", "100.64.14.0/x", "100.64.14.0/30"}) {
    o.subnet = bad;
    auto r = o.validate();
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(),
              "invalid subnet '" + bad + "' (accepted: an IPv4 /16 to /29 inside 100.64.0.0/10)");
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  }
}

TEST(NodeOptions, NamesAndStateDir) {
  NodeOptions o;
  o.bridge = "a-very-long-bridge-name";
  EXPECT_EQ(o.validate().error().message(),
            "invalid bridge name 'a-very-long-bridge-name' (accepted: 1-15 characters of A-Z a-z "
            "0-9 _ -, starting with a letter or digit)");
  o = {};
  o.state_dir = "relative";
  EXPECT_EQ(o.validate().error().message(),
            "invalid state directory 'relative' (accepted: a canonical absolute path other than /, "
            "without '//', '.' or '..' components or a trailing '/', of A-Z a-z 0-9 . _ + -)");
  o = {};
  o.network_name = "Bad Name";
  EXPECT_FALSE(o.validate());
}

// Issue 9: '.' made the cgroup parent "/." — every process of the host — and '-x' reads as a
// flag; names of existing cgroups are harmless now (the parent is /mkata/<name>, created by us).
TEST(NodeOptions, NamesThatCouldReachBeyondTheNodeAreRefused) {
  for (const std::string& bad :
       std::vector<std::string>{".", "..", "-x", "_x", "a.b", "a/b", "", "a b", "kube\npods",
                                std::string(41, 'a'), "A"}) {
    NodeOptions o;
    o.network_name = bad;
    auto r = o.validate();
    ASSERT_FALSE(r) << "network " << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
    EXPECT_EQ(r.error().message(), "invalid network name '" + bad +
                                       "' (accepted: 1-40 characters of a-z 0-9 _ -, starting "
                                       "with a letter or digit)");
  }
  for (const std::string& bad :
       std::vector<std::string>{".", "..", "-x", "a.b", "a/b", "", std::string(16, 'b')}) {
    NodeOptions o;
    o.bridge = bad;
    EXPECT_FALSE(o.validate()) << "bridge " << bad;
  }
  for (const std::string& good : std::vector<std::string>{"system-slice", "docker", "kubepods",
                                                          "mk-node0", std::string(40, 'a')}) {
    NodeOptions o;
    o.network_name = good;
    EXPECT_TRUE(o.validate()) << good;
    EXPECT_EQ(NodeLayout::of(o).cgroup_parent, "/mkata/" + good);
  }
  NodeOptions o;
  o.bridge = std::string(15, 'B');
  EXPECT_TRUE(o.validate());
}

TEST(NodeOptions, StateDirMustBeCanonical) {
  for (std::string bad : {"/", "//", "/run//n", "/run/./n", "/run/../n", "/run/n/", "/run/.",
                          "/run/n\"x", "/run/n x", "/run/n\n", "run/n", ""}) {
    NodeOptions o;
    o.state_dir = bad;
    auto r = o.validate();
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  }
  for (std::string good : {"/run/n", "/var/lib/mkata/node", "/run/a.b/c_d+e-f", "/run/.n"}) {
    NodeOptions o;
    o.state_dir = good;
    EXPECT_TRUE(o.validate()) << good;
  }
}

// sun_path is 108 bytes with the NUL and containerd binds <state>/containerd.sock.ttrpc: a
// longer state dir used to fail only after the ledger, the bridge and containerd were started.
TEST(NodeOptions, StateDirLeavesRoomForTheLongestSocket) {
  NodeOptions o;
  o.state_dir = "/" + std::string(kMaxStateDirSize - 1, 's');
  ASSERT_TRUE(o.validate());
  EXPECT_EQ(NodeLayout::of(o).containerd.ttrpc_address.size(), 107u);
  o.state_dir += "s";
  auto r = o.validate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "invalid state directory '" + o.state_dir +
                                     "' (accepted: at most 85 characters, so that " + o.state_dir +
                                     "/containerd.sock.ttrpc fits a unix socket path)");
}

TEST(NodeLayout, EverythingUnderTheStateDir) {
  NodeOptions o{"/run/n", "mk-node0", "mk-node0", "100.64.14.0/24"};
  auto l = NodeLayout::of(o);
  EXPECT_EQ(l.ledger, "/run/n/ledger.jsonl");
  EXPECT_EQ(l.containerd.address, "/run/n/containerd.sock");
  EXPECT_EQ(l.cni_conf_dir, "/run/n/cni/net.d");
  EXPECT_EQ(l.cgroup_parent, "/mkata/mk-node0");
  EXPECT_EQ(l.runtime_root("gvisor"), "/run/n/runtimes/gvisor");
  EXPECT_EQ(l.cri_state, "/run/n/state/io.containerd.grpc.v1.cri");
}

}  // namespace
}  // namespace mkata::embedded
