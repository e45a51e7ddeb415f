// The crun adapter hides exactly the hybrid layout's cgroup2 mount and passes every argument on.
#include "adapters/crun_adapter.h"

#include <gtest/gtest.h>

#include "adapters/fake_adapter_system.h"
#include "adapters/mount_namespace.h"

namespace mkata::adapters {
namespace {

// Lines from this machine's /proc/self/mountinfo (hybrid: v1 controllers + unified).
const char* kHybrid =
    "25 1 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "30 25 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "33 30 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup "
    "cgroup rw,memory\n";
const char* kPureV2 =
    "30 25 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate\n";

TEST(MountInfo, FindsOnlyTheHybridCgroup2Mount) {
  EXPECT_EQ(hybrid_cgroup2_mounts(kHybrid), (std::vector<std::string>{"/sys/fs/cgroup/unified"}));
  EXPECT_TRUE(hybrid_cgroup2_mounts(kPureV2).empty());
  EXPECT_TRUE(hybrid_cgroup2_mounts("garbage\n\n").empty());
}

TEST(CrunAdapter, HidesUnifiedThenExecsCrunWithAllArguments) {
  FakeAdapterSystem system;
  system.files["/proc/self/mountinfo"] = kHybrid;
  CrunAdapterConfig config;
  config.crun = "/usr/bin/crun";
  std::vector<std::string> args{"--root", "/r", "create", "--bundle", "/b", "abc"};
  auto error = run_crun_adapter(config, args, system);
  EXPECT_EQ(system.hidden, (std::vector<std::string>{"/sys/fs/cgroup/unified"}));
  ASSERT_EQ(system.calls.size(), 1u);
  EXPECT_EQ(system.calls[0], "exec /usr/bin/crun --root /r create --bundle /b abc");
  EXPECT_EQ(error.message(), "exec failed (fake)");
}

TEST(CrunAdapter, NothingToHideOnAPureV2Host) {
  FakeAdapterSystem system;
  system.files["/proc/self/mountinfo"] = kPureV2;
  run_crun_adapter(CrunAdapterConfig{}, {"state", "abc"}, system);
  EXPECT_TRUE(system.hidden.empty());
  EXPECT_EQ(system.calls, (std::vector<std::string>{"exec crun state abc"}));
}

TEST(CrunAdapter, SpecVersionShownToCrun) {
  EXPECT_EQ(spec_version_for_crun("1.2.0", "1.1"), "1.1.0");
  EXPECT_EQ(spec_version_for_crun("1.10.1", "1.1"), "1.1.0");
  EXPECT_EQ(spec_version_for_crun("2.0.0", "1.1"), "1.1.0");
  EXPECT_EQ(spec_version_for_crun("1.1.0", "1.1"), "");
  EXPECT_EQ(spec_version_for_crun("1.0.2-dev", "1.1"), "");
  EXPECT_EQ(spec_version_for_crun("garbage", "1.1"), "");
  EXPECT_EQ(spec_version_for_crun("1.2.0", "garbage"), "");
}

// containerd 1.7 and 2.x write ociVersion 1.2.0, which crun 1.8.1 refuses ("unknown version
// specified"): the adapter presents 1.1.0 and leaves everything else of the spec as it was.
TEST(CrunAdapter, CreateWithANewerSpecIsShownOneCrunAccepts) {
  FakeAdapterSystem system;
  system.files["/proc/self/mountinfo"] = kPureV2;
  system.files["/b/config.json"] = R"({"ociVersion":"1.2.0","process":{"args":["/x"]}})";
  run_crun_adapter(CrunAdapterConfig{}, {"--root", "/r", "create", "--bundle", "/b", "abc"},
                   system);
  EXPECT_EQ(system.files["/b/config.json"], R"({"ociVersion":"1.1.0","process":{"args":["/x"]}})");
  EXPECT_EQ(system.calls.back(), "exec crun --root /r create --bundle /b abc");

  // An accepted version, another command, or rewriting disabled: the file is not touched.
  system.files["/b/config.json"] = R"({"ociVersion":"1.1.0"})";
  system.calls.clear();
  run_crun_adapter(CrunAdapterConfig{}, {"create", "--bundle", "/b", "abc"}, system);
  EXPECT_EQ(system.calls, (std::vector<std::string>{"exec crun create --bundle /b abc"}));
  system.files["/b/config.json"] = R"({"ociVersion":"1.2.0"})";
  system.calls.clear();
  run_crun_adapter(CrunAdapterConfig{}, {"state", "abc"}, system);
  CrunAdapterConfig off;
  off.max_spec = "";
  run_crun_adapter(off, {"create", "--bundle", "/b", "abc"}, system);
  EXPECT_EQ(system.calls,
            (std::vector<std::string>{"exec crun state abc", "exec crun create --bundle /b abc"}));
}

}  // namespace
}  // namespace mkata::adapters
