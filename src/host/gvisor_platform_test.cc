#include "host/gvisor_platform.h"

#include <gtest/gtest.h>

namespace mkata::host {
namespace {

KvmFacts usable_kvm() {
  KvmFacts kvm;
  kvm.device.exists = kvm.device.accessible = true;
  kvm.ioctls.opened = kvm.ioctls.create_vm_ok = true;
  kvm.ioctls.api_version = 12;
  return kvm;
}

TEST(GvisorPlatform, ReleaseDates) {
  EXPECT_EQ(runsc_release_date("20221219.0"), 20221219);
  EXPECT_EQ(runsc_release_date("20240212"), 20240212);
  EXPECT_EQ(runsc_release_date("1.0"), 0);
  EXPECT_EQ(runsc_release_date("99999999"), 0);
  EXPECT_EQ(runsc_release_date(""), 0);
}

TEST(GvisorPlatform, OldRunscWithoutKvmUsesPtrace) {
  ToolInfo runsc{"/usr/bin/runsc", "20221219.0", "runsc version 0.0~20221219.0"};
  GvisorPlatforms p = judge_gvisor_platforms(runsc, KvmFacts{});
  EXPECT_EQ(p.recommended, "ptrace");
  ASSERT_EQ(p.platforms.size(), 3u);
  EXPECT_FALSE(p.platforms[0].works);
  EXPECT_EQ(p.platforms[0].why, "/dev/kvm does not exist");
  EXPECT_FALSE(p.platforms[1].works);
  EXPECT_EQ(p.platforms[1].why,
            "runsc 20221219 is older than release 20230101 (systrap arrived in 2023)");
  EXPECT_TRUE(p.platforms[2].works);
}

TEST(GvisorPlatform, NewRunscWithKvm) {
  ToolInfo runsc{"/usr/local/bin/runsc", "20240212.0", ""};
  GvisorPlatforms p = judge_gvisor_platforms(runsc, usable_kvm());
  EXPECT_EQ(p.recommended, "systrap");
  EXPECT_TRUE(p.platforms[0].works);
  EXPECT_EQ(p.platforms[0].why, "/dev/kvm opens and KVM_CREATE_VM succeeds");
  EXPECT_TRUE(p.platforms[1].works);
}

TEST(GvisorPlatform, KvmPvmIsNotForTheKvmPlatform) {
  KvmFacts kvm = usable_kvm();
  kvm.module = "kvm_pvm";
  GvisorPlatforms p = judge_gvisor_platforms(ToolInfo{"/usr/bin/runsc", "20221219.0", ""}, kvm);
  EXPECT_FALSE(p.platforms[0].works);
  EXPECT_EQ(p.platforms[0].why,
            "/dev/kvm comes from kvm_pvm (paravirtual, no VT-x/AMD-V), which gVisor's kvm "
            "platform does not target");
}

TEST(GvisorPlatform, UnknownVersionAndNoRunsc) {
  GvisorPlatforms p = judge_gvisor_platforms(ToolInfo{"/usr/bin/runsc", "1.2", ""}, KvmFacts{});
  EXPECT_EQ(p.platforms[1].why, "runsc version '1.2' is not a release date; cannot tell");
  EXPECT_EQ(p.recommended, "ptrace");
  GvisorPlatforms none = judge_gvisor_platforms(ToolInfo{}, usable_kvm());
  EXPECT_EQ(none.recommended, "");
  for (const auto& platform : none.platforms) {
    EXPECT_FALSE(platform.works);
    EXPECT_EQ(platform.why, "runsc is not installed");
  }
}

}  // namespace
}  // namespace mkata::host
