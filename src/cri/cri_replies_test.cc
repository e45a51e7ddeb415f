// The replies of real containerd 1.6, 1.7 and 2.1 (captured by the integration test
// NodeVersionsTest.CriRepliesOfEveryContainerdParse into testdata/), parsed by the code the
// node's handler read-back uses. containerd 2.x's verbose Status config holds only the CRI
// runtime plugin's settings (no sandboxImage, no stream server, no snapshotter: other plugins
// own those now) and migrates cni bin_dir into binDirs; the runtimes keep their place.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "cri/cri_client.h"

namespace mkata::cri {
namespace {

std::string testdata(const std::string& name) {
  auto text = read_file(std::string(MKATA_CRI_TESTDATA) + "/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

class CriReplies : public ::testing::TestWithParam<const char*> {};

TEST_P(CriReplies, LoadedHandlersParse) {
  std::string version = GetParam();
  auto config = testdata("containerd-" + version + "-status-config.json");
  auto handlers = parse_runtime_handlers(config);
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ(handlers->at("runc"), "io.containerd.runc.v2");
  auto details = parse_runtime_handler_details(config);
  ASSERT_TRUE(details) << details.error().message();
  EXPECT_EQ(details->at("runc").runtime_type, "io.containerd.runc.v2");
  EXPECT_EQ(details->at("runc").options.at("BinaryName"), "/usr/sbin/runc");
  EXPECT_EQ(details->at("runc").options.at("SystemdCgroup"), "false");
}

// What node_config.h sets is what each version loaded.
TEST_P(CriReplies, TheNodeSettingsAreHonoured) {
  std::string version = GetParam();
  auto j = nlohmann::json::parse(testdata("containerd-" + version + "-status-config.json"));
  EXPECT_EQ(j["restrictOOMScoreAdj"], true);
  EXPECT_EQ(j["netnsMountsUnderStateDir"], true);
  EXPECT_EQ(j["enableSelinux"], false);
  EXPECT_EQ(j["cni"]["maxConfNum"], 1);
  EXPECT_EQ(j["containerd"]["defaultRuntimeName"], "runc");
  bool cni_bin = j["cni"]["binDir"] == "/usr/lib/cni" ||
                 j["cni"].value("binDirs", nlohmann::json::array()) ==
                     nlohmann::json::array({"/usr/lib/cni"});
  EXPECT_TRUE(cni_bin) << j["cni"].dump();
  if (version == "2.1") {
    EXPECT_FALSE(j.contains("sandboxImage"));  // io.containerd.cri.v1.images has it
    EXPECT_EQ(j["cni"]["binDir"], "");         // migrated
  } else {
    EXPECT_EQ(j["sandboxImage"], "mkata.local/pause:0.1.0");
    EXPECT_EQ(j["containerd"]["snapshotter"], "overlayfs");
    EXPECT_EQ(j["streamServerAddress"], "127.0.0.1");
  }
}

INSTANTIATE_TEST_SUITE_P(Containerd, CriReplies, ::testing::Values("1.6", "1.7", "2.1"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           return "v" + name.replace(name.find('.'), 1, "_");
                         });

}  // namespace
}  // namespace mkata::cri
