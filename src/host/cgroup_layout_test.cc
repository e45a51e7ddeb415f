#include "host/cgroup_layout.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

constexpr const char* kV2 =
    "25 24 0:23 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
constexpr const char* kHybrid =
    "31 30 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:4 - cgroup2 cgroup2 rw\n"
    "32 30 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:5 - cgroup cgroup rw,memory\n";
constexpr const char* kV1 =
    "32 30 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:5 - cgroup cgroup rw,memory\n"
    "33 30 0:28 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids\n";

TEST(CgroupLayout, ClassifiesMountinfo) {
  EXPECT_EQ(parse_cgroup_mounts(kV2, true).layout, "v2");
  EXPECT_EQ(parse_cgroup_mounts(kV1, true).layout, "v1");
  CgroupLayout hybrid = parse_cgroup_mounts(kHybrid, true);
  EXPECT_EQ(hybrid.layout, "hybrid");
  EXPECT_EQ(hybrid.cgroup2_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(hybrid.evidence[0],
            (Evidence{"/proc/self/mountinfo",
                      "1 cgroup (v1) mounts, cgroup2 at /sys/fs/cgroup/unified"}));
  EXPECT_EQ(parse_cgroup_mounts("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", true).layout, "unknown");
}

TEST(CgroupLayout, ClassifiesProcMounts) {
  CgroupLayout layout = parse_cgroup_mounts(
      "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\ncgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n",
      false);
  EXPECT_EQ(layout.layout, "hybrid");
  EXPECT_EQ(layout.evidence[0].source, "/proc/mounts");
}

TEST(CgroupLayout, ReadsTheControllersOfTheCgroup2Mount) {
  auto root = fixture_host(testing::fixture_dir("lab-vm-kvm-pvm"));
  ASSERT_TRUE(root);
  auto layout = probe_cgroups(**root);
  ASSERT_TRUE(layout) << layout.error().message();
  EXPECT_EQ(layout->layout, "hybrid");
  EXPECT_EQ(layout->cgroup2_controllers, std::vector<std::string>{"hugetlb"});
  EXPECT_EQ(layout->evidence[1],
            (Evidence{"/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb"}));
}

TEST(CgroupLayout, FallsBackToProcMountsAndFailsWithoutEither) {
  testing::FixtureCopy host("kvm-no-vsock");
  host.remove("/proc/self/mountinfo");
  auto none = probe_cgroups(**fixture_host(host.dir()));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "cgroup layout: read /proc/mounts: No such file or directory");
  host.write("/proc/mounts", "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
  host.write("/sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
  auto v2 = probe_cgroups(**fixture_host(host.dir()));
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->layout, "v2");
  EXPECT_EQ(v2->cgroup2_controllers, (std::vector<std::string>{"cpu", "memory"}));
}

}  // namespace
}  // namespace mkata::host
