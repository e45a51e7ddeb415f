#include "embedded/nat_cleanup.h"

#include <gtest/gtest.h>

namespace mkata::embedded {
namespace {

TEST(NatCleanup, ChainNamesFollowCni) {
  auto names = cni_chain_names("mk-node0", "0123abcd");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].size(), 28u);
  EXPECT_EQ(names[0].substr(0, 4), "CNI-");
  EXPECT_EQ(names[1].substr(0, 7), "CNI-DN-");
  EXPECT_EQ(names[0].substr(4, 21), names[1].substr(7, 21));
}

TEST(NatCleanup, FindsOurRulesAndChainsOnly) {
  std::string ours = cni_chain_names("mk-node0", "pod1")[0];
  std::string save =
      "*nat\n"
      ":PREROUTING ACCEPT [0:0]\n"
      ":POSTROUTING ACCEPT [0:0]\n"
      ":CNI-HOSTPORT-DNAT - [0:0]\n"
      ":" +
      ours +
      " - [0:0]\n"
      ":CNI-DN-deadbeef - [0:0]\n"
      ":CNI-othersxyz - [0:0]\n"
      "-A POSTROUTING -s 100.64.14.2/32 -m comment --comment \"name: \\\"mk-node0\\\" id: "
      "\\\"pod1\\\"\" -j " +
      ours +
      "\n"
      "-A " +
      ours +
      " -d 100.64.14.0/24 -j ACCEPT\n"
      "-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment \"dnat name: \\\"mk-node0\\\" id: "
      "\\\"pod9\\\"\" -j CNI-DN-deadbeef\n"
      "-A CNI-DN-deadbeef -p tcp -j DNAT --to-destination 100.64.14.9:80\n"
      "-A POSTROUTING -s 100.64.11.2/32 -m comment --comment \"name: \\\"mk-img0\\\" id: "
      "\\\"x\\\"\" -j CNI-othersxyz\n"
      "COMMIT\n";
  auto cleanup = find_nat_leftovers(save, "mk-node0", {"pod1"});
  EXPECT_EQ(cleanup.chains, (std::vector<std::string>{"CNI-DN-deadbeef", ours}));
  ASSERT_EQ(cleanup.rules.size(), 2u);
  EXPECT_EQ(cleanup.rules[0].substr(0, 15), "-A POSTROUTING ");
  EXPECT_EQ(cleanup.rules[1].substr(0, 21), "-A CNI-HOSTPORT-DNAT ");
  std::string script = nat_restore_script(cleanup);
  EXPECT_EQ(script.substr(0, 5), "*nat\n");
  EXPECT_NE(script.find(":" + ours + " - [0:0]\n"), std::string::npos);
  EXPECT_NE(script.find("-D POSTROUTING -s 100.64.14.2/32"), std::string::npos);
  EXPECT_NE(script.find("-X CNI-DN-deadbeef\n"), std::string::npos);
  EXPECT_EQ(script.find("CNI-othersxyz"), std::string::npos);
  EXPECT_EQ(script.find("-X CNI-HOSTPORT-DNAT"), std::string::npos);
}

TEST(NatCleanup, NothingOfOursMeansNoScript) {
  EXPECT_EQ(nat_restore_script(
                find_nat_leftovers("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n", "mk-node0", {"a"})),
            "");
}

}  // namespace
}  // namespace mkata::embedded
