#include "workload/info.h"

#include <gtest/gtest.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace mkata::workload {
namespace {

TEST(Info, ReadsMemTotalInBytes) {
  EXPECT_EQ(meminfo_bytes("MemTotal:       16318716 kB\nMemFree: 1 kB\n", "MemTotal"),
            16318716ull * 1024);
  EXPECT_EQ(meminfo_bytes("MemTotalX: 5 kB\nMemAvailable:  10 kB\n", "MemTotal"), 0u);
  EXPECT_EQ(meminfo_bytes("MemAvailable:  10 kB\n", "MemAvailable"), 10240u);
}

TEST(Info, FindsTheHypervisorFlagAsAWholeWord) {
  EXPECT_TRUE(cpuinfo_has_hypervisor_flag("processor\t: 0\nflags\t\t: fpu vme hypervisor lahf\n"));
  EXPECT_FALSE(cpuinfo_has_hypervisor_flag("flags\t\t: fpu vme hypervisorx lahf\n"));
  EXPECT_FALSE(cpuinfo_has_hypervisor_flag("processor\t: 0\n"));
}

TEST(Info, EscapesJsonStrings) {
  EXPECT_EQ(json_string("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(Info, ObservesThisKernel) {
  KernelView view = observe_kernel();
  utsname names{};
  ASSERT_EQ(uname(&names), 0);
  EXPECT_EQ(view.kernel_release, names.release);
  EXPECT_EQ(view.kernel_version, names.version);
  EXPECT_EQ(view.hostname, names.nodename);
  EXPECT_EQ(view.cpus, sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_GT(view.memory_total_bytes, 0u);
  EXPECT_EQ(view.uid, getuid());
  EXPECT_EQ(view.pid, getpid());
}

TEST(Info, JsonHasEveryMemberAndNullBootIdWhenUnreadable) {
  KernelView view;
  view.kernel_release = "6.1.0";
  view.kernel_version = "#1 SMP";
  view.hostname = "h";
  view.cpus = 2;
  view.memory_total_bytes = 1024;
  view.uid = 65532;
  view.pid = 1;
  EXPECT_EQ(info_json(view, "pause"),
            "{\"workload\":\"pause\",\"kernel_release\":\"6.1.0\",\"kernel_version\":\"#1 SMP\","
            "\"boot_id\":null,\"hostname\":\"h\",\"cpus\":2,\"memory_total_bytes\":1024,"
            "\"hypervisor_cpu_flag\":false,\"uid\":65532,\"pid\":1}\n");
}

}  // namespace
}  // namespace mkata::workload
