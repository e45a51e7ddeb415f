#include "host/kernel_features.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

KernelFeatures probe(const std::string& dir) {
  auto root = fixture_host(dir);
  EXPECT_TRUE(root);
  auto k = probe_kernel(**root);
  EXPECT_TRUE(k) << (k ? "" : k.error().message());
  return k ? *k : KernelFeatures{};
}

TEST(KernelFeatures, LabHostHasNoVhostAndNoModuleTree) {
  KernelFeatures k = probe(testing::fixture_dir("lab-vm-kvm-pvm"));
  EXPECT_EQ(k.release, "6.18.44-fc-v657");
  EXPECT_FALSE(k.vhost.available());
  EXPECT_FALSE(k.vhost_net.available());
  EXPECT_FALSE(k.vhost_vsock.available());
  EXPECT_FALSE(k.vhost_vsock.module.loadable);
  EXPECT_TRUE(k.seccomp);
  EXPECT_EQ(k.seccomp_actions, "kill_process kill_thread trap errno user_notif trace log allow");
  EXPECT_TRUE(k.user_namespaces);
  EXPECT_FALSE(k.unprivileged_userns_clone.has_value());
  EXPECT_TRUE(k.overlayfs);
  // The missing module tree is said once, not once per module.
  int absent = 0;
  for (const auto& e : k.evidence) absent += e == Evidence{"/lib/modules/6.18.44-fc-v657", "absent"};
  EXPECT_EQ(absent, 1);
}

TEST(KernelFeatures, LoadedModulesAndDevices) {
  KernelFeatures k = probe(testing::fixture_dir("intel-bare-metal-kvm"));
  EXPECT_TRUE(k.vhost.module.loaded);
  EXPECT_TRUE(k.vhost_net.device_exists);
  EXPECT_TRUE(k.vhost_vsock.available());
}

TEST(KernelFeatures, ModulesOnDiskButNotLoaded) {
  KernelFeatures k = probe(testing::fixture_dir("cloud-vm-no-vmx"));
  EXPECT_FALSE(k.vhost_vsock.available());
  EXPECT_TRUE(k.vhost_vsock.module.loadable);
  EXPECT_EQ(k.vhost_vsock.module.evidence.back(),
            (Evidence{"/lib/modules/6.1.0-18-amd64/modules.dep", "lists vhost_vsock.ko"}));
}

TEST(KernelFeatures, BuiltinCompressedAndDashedModuleNames) {
  testing::FixtureCopy host("kvm-no-vsock");
  host.write("/lib/modules/5.15.0-custom/modules.builtin",
             "kernel/drivers/vhost/vhost-vsock.ko\n");
  host.write("/lib/modules/5.15.0-custom/modules.dep", "kernel/fs/overlayfs/overlay.ko.zst:\n");
  host.write("/proc/filesystems", "nodev\tproc\n");
  host.write("/proc/sys/kernel/unprivileged_userns_clone", "0\n");
  KernelFeatures k = probe(host.dir());
  EXPECT_TRUE(k.vhost_vsock.module.builtin);
  EXPECT_TRUE(k.vhost_vsock.available());
  EXPECT_TRUE(k.overlayfs);  // loadable: the kernel loads filesystem modules on mount
  EXPECT_EQ(k.unprivileged_userns_clone, false);
}

TEST(KernelFeatures, MissingReleaseIsAnError) {
  testing::FixtureCopy host("kvm-no-vsock");
  host.remove("/proc/sys/kernel/osrelease");
  auto k = probe_kernel(**fixture_host(host.dir()));
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().message(), "read /proc/sys/kernel/osrelease: No such file or directory");
}

}  // namespace
}  // namespace mkata::host
