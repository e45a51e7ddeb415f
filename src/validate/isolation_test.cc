#include "validate/isolation.h"

#include <gtest/gtest.h>

namespace mkata::validate {
namespace {

KernelView host() {
  KernelView v;
  v.kernel_release = "6.18.44-fc";
  v.kernel_version = "#1 SMP PREEMPT_DYNAMIC";
  v.boot_id = "11111111-aaaa";
  v.hypervisor_cpu_flag = true;
  return v;
}

KernelView gvisor_pod() {
  KernelView v;
  v.kernel_release = "4.4.0";
  v.kernel_version = "#1 SMP Sun Jan 10 15:06:54 PST 2016";
  v.boot_id = "22222222-bbbb";
  return v;
}

TEST(ParseInfo, ReadsTheWorkloadFields) {
  auto v = parse_info(R"({"kernel_release":"4.4.0","kernel_version":"#1","boot_id":null,
    "hostname":"h","cpus":2,"memory_total_bytes":1024,"hypervisor_cpu_flag":false,"uid":65532,
    "pid":1})");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->kernel_release, "4.4.0");
  EXPECT_FALSE(v->boot_id.has_value());
  EXPECT_EQ(v->cpus, 2);
  EXPECT_EQ(v->memory_total_bytes, 1024);
}

TEST(ParseInfo, NamesTheBadField) {
  auto v = parse_info(R"({"kernel_release":"x","kernel_version":"y","boot_id":5,
    "hypervisor_cpu_flag":false})");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message(), "parse /info: field 'boot_id' must be a string or null");
  EXPECT_EQ(parse_info("nope").error().message(), "parse /info: not JSON: 'nope'");
  EXPECT_EQ(parse_info(R"({"kernel_version":"y"})").error().message(),
            "parse /info: field 'kernel_release' is missing");
}

TEST(HostKernelView, ReadsThisHost) {
  auto v = host_kernel_view();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->kernel_release.empty());
  EXPECT_TRUE(v->boot_id.has_value());
  EXPECT_GT(v->cpus, 0);
}

TEST(JudgeIsolation, RuncMustShareTheHostKernel) {
  auto ok = judge_isolation(Isolation::kSharedKernel, host(), host());
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.comparisons.size(), 2u);
  auto bad = judge_isolation(Isolation::kSharedKernel, gvisor_pod(), host());
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason,
            "pod does not share the host kernel: kernel_release '4.4.0' differs from the host's "
            "'6.18.44-fc'");
}

TEST(JudgeIsolation, GvisorMustNotShowTheHostKernel) {
  EXPECT_TRUE(judge_isolation(Isolation::kSandbox, gvisor_pod(), host()).ok);
  auto bad = judge_isolation(Isolation::kSandbox, host(), host());
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason, "pod is not sandboxed: it shows the host's kernel (boot_id 11111111-aaaa)");
  // Same kernel but unreadable boot_id: still the host kernel.
  auto no_boot = host();
  no_boot.boot_id.reset();
  EXPECT_EQ(judge_isolation(Isolation::kSandbox, no_boot, host()).reason,
            "pod is not sandboxed: it shows the host's kernel (kernel 6.18.44-fc "
            "#1 SMP PREEMPT_DYNAMIC)");
}

TEST(JudgeIsolation, KataMustShowTheHypervisorFlag) {
  auto vm = gvisor_pod();
  vm.hypervisor_cpu_flag = true;
  EXPECT_TRUE(judge_isolation(Isolation::kVirtualMachine, vm, host()).ok);
  auto verdict = judge_isolation(Isolation::kVirtualMachine, gvisor_pod(), host());
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.reason, "pod does not run in a virtual machine: no hypervisor CPU flag");
  EXPECT_EQ(verdict.comparisons.back().field, "hypervisor_cpu_flag");
  EXPECT_EQ(judge_isolation(Isolation::kVirtualMachine, host(), host()).reason,
            "pod is not sandboxed: it shows the host's kernel (boot_id 11111111-aaaa)");
}

TEST(ExpectedIsolation, KnowsTheFourRuntimes) {
  EXPECT_EQ(*expected_isolation("crun"), Isolation::kSharedKernel);
  EXPECT_EQ(*expected_isolation("gvisor"), Isolation::kSandbox);
  EXPECT_EQ(*expected_isolation("kata"), Isolation::kVirtualMachine);
  EXPECT_EQ(expected_isolation("youki").error().message(),
            "unknown runtime 'youki' (accepted: runc, crun, gvisor, kata)");
}

}  // namespace
}  // namespace mkata::validate
