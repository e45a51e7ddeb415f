#include "embedded/node_config.h"

#include <gtest/gtest.h>

#include "node/toml_text.h"

namespace mkata::embedded {
namespace {

TEST(NodeConfig, CriSettingsAndHandlersParseAsToml) {
  auto layout = NodeLayout::of({"/run/n", "mk-node0", "mk-node0", "100.64.14.0/24"});
  auto runc = node::runc_handler("runc", "runc");
  runc.options.push_back({"Root", layout.runtime_root("runc")});
  runc.options.push_back({"SystemdCgroup", false});
  auto gvisor = node::gvisor_handler(false, "/opt/mkata-runsc-adapter");
  std::string text = render_node_config(layout, {"mkata.local/pause:0.1.0", {runc, gvisor}});
  auto parsed = node::parse_toml_text(text, "node config");
  ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << text;
  toml::table& config = *parsed;
  EXPECT_EQ(config["version"].value<int64_t>(), 2);
  EXPECT_EQ(config["root"].value<std::string>(), "/run/n/root");
  auto cri = config["plugins"]["io.containerd.grpc.v1.cri"];
  EXPECT_EQ(cri["sandbox_image"].value<std::string>(), "mkata.local/pause:0.1.0");
  EXPECT_EQ(cri["restrict_oom_score_adj"].value<bool>(), true);
  EXPECT_EQ(cri["netns_mounts_under_state_dir"].value<bool>(), true);
  EXPECT_EQ(cri["stream_server_address"].value<std::string>(), "127.0.0.1");
  EXPECT_EQ(cri["stream_server_port"].value<std::string>(), "0");
  EXPECT_EQ(cri["containerd"]["snapshotter"].value<std::string>(), "overlayfs");
  EXPECT_EQ(cri["containerd"]["default_runtime_name"].value<std::string>(), "runc");
  EXPECT_EQ(cri["cni"]["bin_dir"].value<std::string>(), "/usr/lib/cni");
  EXPECT_EQ(cri["cni"]["conf_dir"].value<std::string>(), "/run/n/cni/net.d");
  EXPECT_EQ(cri["cni"]["max_conf_num"].value<int64_t>(), 1);
  auto runtimes = cri["containerd"]["runtimes"];
  EXPECT_EQ(runtimes["runc"]["runtime_type"].value<std::string>(), "io.containerd.runc.v2");
  EXPECT_EQ(runtimes["runc"]["options"]["Root"].value<std::string>(), "/run/n/runtimes/runc");
  EXPECT_EQ(runtimes["runc"]["options"]["SystemdCgroup"].value<bool>(), false);
  EXPECT_EQ(runtimes["gvisor"]["options"]["BinaryName"].value<std::string>(),
            "/opt/mkata-runsc-adapter");
}

// containerd 2.x reads schema v3: every setting of the v2 config, under the plugin ids and names
// of containerd 2.1's `config default`.
TEST(NodeConfig, SchemaThreeKeepsEverySettingUnderContainerdTwosIds) {
  auto layout = NodeLayout::of({"/run/n", "mk-node0", "mk-node0", "100.64.14.0/24"});
  auto runc = node::runc_handler("runc", "runc");
  runc.options.push_back({"Root", layout.runtime_root("runc")});
  runc.options.push_back({"SystemdCgroup", false});
  auto gvisor = node::gvisor_handler(false, "/opt/mkata-runsc-adapter");
  NodeConfigInput input{"mkata.local/pause:0.1.0", {runc, gvisor}};
  input.schema = node::ConfigSchema::kV3;
  std::string text = render_node_config(layout, input);
  auto parsed = node::parse_toml_text(text, "node config");
  ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << text;
  toml::table& config = *parsed;
  EXPECT_EQ(config["version"].value<int64_t>(), 3);
  EXPECT_EQ(config["root"].value<std::string>(), "/run/n/root");
  EXPECT_EQ(config["state"].value<std::string>(), "/run/n/state");
  EXPECT_EQ(config["grpc"]["address"].value<std::string>(), "/run/n/containerd.sock");
  EXPECT_EQ(config["ttrpc"]["address"].value<std::string>(), "/run/n/containerd.sock.ttrpc");
  EXPECT_EQ(config["plugins"]["io.containerd.internal.v1.opt"]["path"].value<std::string>(),
            "/run/n/opt");
  auto images = config["plugins"]["io.containerd.cri.v1.images"];
  EXPECT_EQ(images["snapshotter"].value<std::string>(), "overlayfs");
  EXPECT_EQ(images["pinned_images"]["sandbox"].value<std::string>(), "mkata.local/pause:0.1.0");
  auto rt = config["plugins"]["io.containerd.cri.v1.runtime"];
  EXPECT_EQ(rt["restrict_oom_score_adj"].value<bool>(), true);
  EXPECT_EQ(rt["netns_mounts_under_state_dir"].value<bool>(), true);
  EXPECT_EQ(rt["enable_selinux"].value<bool>(), false);
  EXPECT_EQ(rt["containerd"]["default_runtime_name"].value<std::string>(), "runc");
  EXPECT_FALSE(rt["containerd"]["snapshotter"]);
  EXPECT_EQ(rt["cni"]["bin_dir"].value<std::string>(), "/usr/lib/cni");
  EXPECT_EQ(rt["cni"]["conf_dir"].value<std::string>(), "/run/n/cni/net.d");
  EXPECT_EQ(rt["cni"]["max_conf_num"].value<int64_t>(), 1);
  auto runtimes = rt["containerd"]["runtimes"];
  EXPECT_EQ(runtimes["runc"]["runtime_type"].value<std::string>(), "io.containerd.runc.v2");
  EXPECT_EQ(runtimes["runc"]["options"]["Root"].value<std::string>(), "/run/n/runtimes/runc");
  EXPECT_EQ(runtimes["gvisor"]["options"]["BinaryName"].value<std::string>(),
            "/opt/mkata-runsc-adapter");
  auto grpc_cri = config["plugins"]["io.containerd.grpc.v1.cri"];
  EXPECT_EQ(grpc_cri["stream_server_address"].value<std::string>(), "127.0.0.1");
  EXPECT_EQ(grpc_cri["stream_server_port"].value<std::string>(), "0");
  EXPECT_FALSE(grpc_cri["sandbox_image"]);
  EXPECT_FALSE(grpc_cri["containerd"]);
  EXPECT_EQ(config["plugins"]["io.containerd.nri.v1.nri"]["disable"].value<bool>(), true);
  // The handler tables are exactly what install renders for schema v3.
  EXPECT_NE(text.find(node::render_runtime_table(gvisor, node::ConfigSchema::kV3)),
            std::string::npos);
}

}  // namespace
}  // namespace mkata::embedded
