#include "host/cpu_info.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

TEST(CpuInfo, ParsesVendorAndFlagsOfTheFirstProcessor) {
  auto cpu = parse_cpuinfo(
      "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n"
      "flags\t\t: fpu vmx lm sse4_1\n\nprocessor\t: 1\nvendor_id\t: Other\nflags\t\t: fpu\n");
  ASSERT_TRUE(cpu) << cpu.error().message();
  EXPECT_EQ(cpu->vendor, "GenuineIntel");
  EXPECT_EQ(cpu->model_name, "Xeon");
  EXPECT_EQ(cpu->processors, 2);
  EXPECT_TRUE(cpu->vmx);
  EXPECT_FALSE(cpu->svm);
  EXPECT_TRUE(cpu->lm);
  EXPECT_TRUE(cpu->sse4_1);
  EXPECT_FALSE(cpu->hypervisor);
  EXPECT_EQ(cpu->evidence[1], (Evidence{"/proc/cpuinfo",
                                        "flags: vmx, no svm, lm, sse4_1, no hypervisor"}));
}

TEST(CpuInfo, FlagsAreWholeWords) {
  // "vmxnet" or "svm_lock" must not count as vmx/svm.
  auto cpu = parse_cpuinfo("flags : fpu vmxnet svm_lock sse4_1x\n");
  ASSERT_TRUE(cpu);
  EXPECT_FALSE(cpu->vmx);
  EXPECT_FALSE(cpu->svm);
  EXPECT_FALSE(cpu->sse4_1);
  EXPECT_EQ(cpu->evidence[0],
            (Evidence{"/proc/cpuinfo", "vendor_id unknown, model name unknown, 0 processors"}));
}

TEST(CpuInfo, NoFlagsLineIsAnError) {
  auto cpu = parse_cpuinfo("processor : 0\nvendor_id : GenuineIntel\n");
  ASSERT_FALSE(cpu);
  EXPECT_EQ(cpu.error().message(), "/proc/cpuinfo: no flags line");
}

TEST(CpuInfo, LabHostIsAnAmdVmWithoutSvm) {
  auto root = fixture_host(testing::fixture_dir("lab-vm-kvm-pvm"));
  ASSERT_TRUE(root);
  auto cpu = probe_cpu(**root);
  ASSERT_TRUE(cpu);
  EXPECT_EQ(cpu->vendor, "AuthenticAMD");
  EXPECT_TRUE(cpu->hypervisor);
  EXPECT_FALSE(cpu->virtualization_flag());
  EXPECT_EQ(cpu->processors, 2);
}

}  // namespace
}  // namespace mkata::host
