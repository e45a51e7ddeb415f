#include "embedded/cni_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mkata::embedded {
namespace {

TEST(CniConfig, BridgeAndPortmapWithTheLabSettings) {
  NodeOptions o{"/run/x", "mk-node0", "mk-node0", "100.64.14.0/24"};
  auto layout = NodeLayout::of(o);
  auto j = nlohmann::json::parse(render_cni_conflist(layout));
  EXPECT_EQ(j["name"], "mk-node0");
  EXPECT_EQ(j["cniVersion"], "0.4.0");
  ASSERT_EQ(j["plugins"].size(), 2u);
  const auto& bridge = j["plugins"][0];
  EXPECT_EQ(bridge["type"], "bridge");
  EXPECT_EQ(bridge["bridge"], "mk-node0");
  EXPECT_EQ(bridge["ipMasq"], false);
  EXPECT_EQ(bridge["isGateway"], true);
  EXPECT_EQ(bridge["hairpinMode"], true);
  EXPECT_EQ(bridge["ipam"]["type"], "host-local");
  EXPECT_EQ(bridge["ipam"]["dataDir"], "/run/x/cni/ipam");
  EXPECT_EQ(bridge["ipam"]["ranges"][0][0]["subnet"], "100.64.14.0/24");
  EXPECT_EQ(j["plugins"][1]["type"], "portmap");
  EXPECT_EQ(j["plugins"][1]["capabilities"]["portMappings"], true);
  EXPECT_EQ(cni_conflist_name(layout), "10-mk-node0.conflist");
}

}  // namespace
}  // namespace mkata::embedded
