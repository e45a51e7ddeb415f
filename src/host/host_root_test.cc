// The seam itself: a fixture tree and the live host answer the same questions, and probe_host
// fails with the host path when a file every Linux host has is missing.
#include "host/host_root.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "core/strings.h"
#include "host/host_facts.h"
#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

TEST(HostRoot, FixtureMustBeADirectory) {
  auto root = fixture_host("/nonexistent/mkata-fixture");
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().message(), "host root /nonexistent/mkata-fixture: not a directory");
  EXPECT_EQ(root.error().kind(), ErrorKind::kUsage);
}

TEST(HostRoot, FixtureReadsThroughItsPrefixAndReportsHostPaths) {
  auto root = fixture_host(testing::fixture_dir("kvm-no-vsock") + "/");
  ASSERT_TRUE(root);
  EXPECT_EQ((*root)->describe(), testing::fixture_dir("kvm-no-vsock"));
  EXPECT_EQ(trim(*(*root)->read_file("/proc/sys/kernel/osrelease")), "5.15.0-custom");
  auto missing = (*root)->read_file("/etc/hostname");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "read /etc/hostname: No such file or directory");
  EXPECT_TRUE((*root)->is_executable("/usr/bin/runsc"));
  EXPECT_FALSE((*root)->is_executable("/usr/bin"));
  EXPECT_EQ((*root)->uid(), 0u);
}

TEST(HostRoot, FixtureDevicesAndIoctls) {
  testing::FixtureCopy host("kvm-no-vsock");
  auto root = *fixture_host(host.dir());
  DeviceNode kvm = root->device("/dev/kvm");
  EXPECT_TRUE(kvm.exists);
  EXPECT_TRUE(kvm.accessible);
  EXPECT_EQ(kvm.detail, "character device 10:232, mode 0660, owner 0:108 (fixture)");
  KvmIoctlResult io = root->kvm_ioctls();  // no fixture/kvm-ioctls: a healthy device
  EXPECT_TRUE(io.opened);
  EXPECT_EQ(io.api_version, 12);
  EXPECT_TRUE(io.create_vm_ok);
  EXPECT_EQ(root->device("/dev/vhost-vsock").detail, "absent");
  host.write("/dev/kvm", "denied\n");
  EXPECT_FALSE(root->device("/dev/kvm").accessible);
  EXPECT_EQ(root->kvm_ioctls().open_errno, EACCES);
}

TEST(HostRoot, LiveHostSeesRealFilesAndDevices) {
  auto root = live_host();
  EXPECT_EQ(root->describe(), "/");
  auto cpuinfo = root->read_file("/proc/cpuinfo");
  ASSERT_TRUE(cpuinfo) << cpuinfo.error().message();
  EXPECT_NE(cpuinfo->find("flags"), std::string::npos);
  // Expectations come from stat() here, not from assumptions: on this shared machine something
  // once replaced /dev/null with a regular file, and the seam must report exactly that.
  for (const char* path : {"/dev/zero", "/dev/null"}) {
    struct stat st {};
    ASSERT_EQ(lstat(path, &st), 0) << path;
    DeviceNode node = root->device(path);
    EXPECT_EQ(node.exists, S_ISCHR(st.st_mode)) << path;
    if (!S_ISCHR(st.st_mode)) {
      EXPECT_EQ(node.detail, "not a character device") << path;
      continue;
    }
    EXPECT_EQ(node.accessible, access(path, R_OK | W_OK) == 0) << path;
    char expected[128];
    std::snprintf(expected, sizeof expected, "character device %u:%u, mode %04o, owner %u:%u",
                  major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid);
    EXPECT_EQ(node.detail, expected);
  }
  EXPECT_EQ(root->device("/nonexistent/dev").detail, "absent");
  EXPECT_EQ(root->device("/proc/cpuinfo").detail, "not a character device");
  EXPECT_TRUE(root->is_executable("/bin/sh"));
  EXPECT_FALSE(root->is_executable("/proc/cpuinfo"));
}

TEST(HostRoot, ToolVersionProbesWriteNothingOnTheHost) {
  // `crun --version` creates crun's state root (/run/crun as root) unless told otherwise.
  if (geteuid() != 0) GTEST_SKIP() << "needs root (crun's state root is /run/crun for root)";
  if (access("/usr/bin/crun", X_OK) != 0) GTEST_SKIP() << "/usr/bin/crun is not installed";
  struct stat st {};
  if (stat("/run/crun", &st) == 0) GTEST_SKIP() << "/run/crun exists already: cannot tell";
  auto version = live_host()->tool_version("/usr/bin/crun");
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_TRUE(version->starts_with("crun version")) << *version;
  EXPECT_NE(stat("/run/crun", &st), 0) << "the probe created /run/crun";
}

TEST(HostRoot, ProbeHostNamesTheMissingFile) {
  testing::FixtureCopy host("intel-bare-metal-kvm");
  host.remove("/proc/cpuinfo");
  auto facts = probe_host(**fixture_host(host.dir()));
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().message(),
            "probe host " + host.dir() + ": read /proc/cpuinfo: No such file or directory");
}

}  // namespace
}  // namespace mkata::host
