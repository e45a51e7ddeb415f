// The real KVM path: ioctls on this machine's /dev/kvm (skipped with the reason where there is
// none), plus what the ioctl code does on a device that is not KVM.
#include "host/kvm_ioctl.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>

#include "host/host_root.h"
#include "host/kvm_probe.h"

namespace mkata::host {
namespace {

TEST(KvmIoctl, RealDevKvmAnswersApi12AndCreatesAVm) {
  struct stat st {};
  if (stat("/dev/kvm", &st) != 0) GTEST_SKIP() << "no /dev/kvm on this machine";
  KvmIoctlResult r = run_kvm_ioctls("/dev/kvm");
  if (!r.opened && (r.open_errno == EACCES || r.open_errno == EPERM)) {
    GTEST_SKIP() << "/dev/kvm exists but this user may not open it: " << errno_name(r.open_errno);
  }
  ASSERT_TRUE(r.opened) << errno_name(r.open_errno);
  EXPECT_EQ(r.api_version, 12);
  EXPECT_TRUE(r.create_vm_ok) << "KVM_CREATE_VM: " << errno_name(r.create_vm_errno);
  // The live seam reports the same through probe_kvm, with its evidence.
  KvmFacts kvm = probe_kvm(*live_host());
  EXPECT_TRUE(kvm.usable());
  EXPECT_EQ(kvm.evidence[1],
            (Evidence{"ioctl(/dev/kvm)", "KVM_GET_API_VERSION = 12, KVM_CREATE_VM ok"}));
}

TEST(KvmIoctl, NotADeviceOrNotKvm) {
  KvmIoctlResult absent = run_kvm_ioctls("/nonexistent/kvm");
  EXPECT_FALSE(absent.opened);
  EXPECT_EQ(absent.open_errno, ENOENT);
  // /dev/null opens read-write but knows no KVM ioctl.
  KvmIoctlResult null = run_kvm_ioctls("/dev/null");
  EXPECT_TRUE(null.opened);
  EXPECT_EQ(null.api_version, -1);
  EXPECT_FALSE(null.create_vm_ok);
  EXPECT_EQ(errno_name(null.create_vm_errno), "ENOTTY");
}

TEST(KvmIoctl, ErrnoNames) {
  EXPECT_EQ(errno_name(EBUSY), "EBUSY");
  EXPECT_EQ(errno_from_name("EBUSY"), EBUSY);
  EXPECT_EQ(errno_name(12345), "errno 12345");
  EXPECT_EQ(errno_from_name("EWHATEVER"), 0);
}

}  // namespace
}  // namespace mkata::host
