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
            "0-9 _ . -)");
  o = {};
  o.state_dir = "relative";
  EXPECT_EQ(o.validate().error().message(),
            "invalid state directory 'relative' (accepted: an absolute path other than /)");
  o = {};
  o.network_name = "Bad Name";
  EXPECT_FALSE(o.validate());
}

TEST(NodeLayout, EverythingUnderTheStateDir) {
  NodeOptions o{"/run/n", "mk-node0", "mk-node0", "100.64.14.0/24"};
  auto l = NodeLayout::of(o);
  EXPECT_EQ(l.ledger, "/run/n/ledger.jsonl");
  EXPECT_EQ(l.containerd.address, "/run/n/containerd.sock");
  EXPECT_EQ(l.cni_conf_dir, "/run/n/cni/net.d");
  EXPECT_EQ(l.cgroup_parent, "/mk-node0");
  EXPECT_EQ(l.runtime_root("gvisor"), "/run/n/runtimes/gvisor");
  EXPECT_EQ(l.cri_state, "/run/n/state/io.containerd.grpc.v1.cri");
}

}  // namespace
}  // namespace mkata::embedded
