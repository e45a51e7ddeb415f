#include "validate/sandbox_platform.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::validate {
namespace {

TEST(SandboxPlatform, PlatformFlagOfARunscCommandLine) {
  EXPECT_EQ(platform_flag({"runsc-sandbox", "--root=/r", "--platform=systrap", "boot", "--x"}),
            "systrap");
  EXPECT_EQ(platform_flag({"runsc", "--platform", "ptrace", "create", "id"}), "ptrace");
  EXPECT_EQ(platform_flag({"runsc", "-platform=kvm", "boot"}), "kvm");
  // After the subcommand, a flag is the subcommand's, not runsc's global setting.
  EXPECT_EQ(platform_flag({"runsc", "--root=/r", "boot", "--platform=kvm"}), "");
  EXPECT_EQ(platform_flag({"runsc-sandbox", "--root=/r", "boot"}), "");
  EXPECT_EQ(platform_flag({}), "");
}

TEST(SandboxPlatform, SandboxPidOfPodSandboxStatusInfo) {
  auto pid = sandbox_pid_of({{"info", R"({"pid":4242,"processStatus":"running"})"}});
  ASSERT_TRUE(pid) << pid.error().message();
  EXPECT_EQ(*pid, 4242);
  auto none = sandbox_pid_of({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "PodSandboxStatus info has no sandbox pid (no \"info\" key)");
  for (const char* bad : {"{}", "not json", R"({"pid":0})", R"({"pid":"12"})", "[]"}) {
    auto r = sandbox_pid_of({{"info", bad}});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "PodSandboxStatus info has no sandbox pid") << bad;
  }
}

// containerd 1.6, 1.7 and 2.1 (captured: src/cri/testdata) all give the sandbox task's pid; 2.x
// dropped "runtimeHandler" from this info and added "sandboxMetadata".
TEST(SandboxPlatform, SandboxPidOfEveryContainerd) {
  for (const char* version : {"1.6", "1.7", "2.1"}) {
    auto text = read_file(std::string(MKATA_CRI_TESTDATA) + "/containerd-" + version +
                          "-pod-status-info.json");
    ASSERT_TRUE(text) << version;
    auto pid = sandbox_pid_of({{"info", *text}});
    ASSERT_TRUE(pid) << version << ": " << pid.error().message();
    EXPECT_GT(*pid, 0) << version;
  }
}

}  // namespace
}  // namespace mkata::validate
