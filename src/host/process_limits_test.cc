#include "host/process_limits.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

ProcessLimits probe(const std::string& dir) {
  auto root = fixture_host(dir);
  EXPECT_TRUE(root);
  return probe_process_limits(**root);
}

const char* kLimitsHeader =
    "Limit                     Soft Limit           Hard Limit           Units     \n";

TEST(ProcessLimits, LabVmNeedsAnExplicitNofileForPodman) {
  // The lab VM: hard nofile 20000, nproc 96363, no CAP_SYS_RESOURCE (LAB-NOTES.md).
  ProcessLimits l = probe(testing::fixture_dir("lab-vm-kvm-pvm"));
  EXPECT_EQ(l.nofile_hard, 20000u);
  EXPECT_EQ(l.nproc_hard, 96363u);
  EXPECT_EQ(l.cap_sys_resource, false);
  EXPECT_EQ(podman_ulimit_args(l), (std::vector<std::string>{"--ulimit", "nofile=20000:20000",
                                                             "--ulimit", "nproc=32768:32768"}));
  EXPECT_EQ(podman_limits_note(l),
            "Podman's default container limits exceed this host's hard limits (nofile 1048576 > "
            "hard limit 20000) and CAP_SYS_RESOURCE is missing, so its runc/crun containers fail "
            "setrlimit; run them with --ulimit nofile=20000:20000 --ulimit nproc=32768:32768");
  EXPECT_EQ(
      l.evidence.front(),
      (Evidence{"/proc/self/limits",
                "Max open files            20000                20000                files"}));
}

TEST(ProcessLimits, BothLimitsLowGiveBothFlags) {
  testing::FixtureCopy host("lab-vm-kvm-pvm");
  host.write(
      "/proc/self/limits",
      std::string(kLimitsHeader) +
          "Max processes             4096                 4096                 processes \n"
          "Max open files            1024                 4096                 files     \n");
  ProcessLimits l = probe(host.dir());
  EXPECT_EQ(podman_ulimit_args(l), (std::vector<std::string>{"--ulimit", "nofile=4096:4096",
                                                             "--ulimit", "nproc=4096:4096"}));
}

TEST(ProcessLimits, CapSysResourceOrUnlimitedNeedsNothing) {
  testing::FixtureCopy capable("lab-vm-kvm-pvm");
  capable.write("/proc/self/status", "Name:\tmkata\nCapEff:\t000001ffffffffff\n");
  ProcessLimits c = probe(capable.dir());
  EXPECT_EQ(c.cap_sys_resource, true);
  EXPECT_TRUE(podman_ulimit_args(c).empty());
  EXPECT_FALSE(podman_limits_note(c));

  testing::FixtureCopy unlimited("lab-vm-kvm-pvm");
  unlimited.write(
      "/proc/self/limits",
      std::string(kLimitsHeader) +
          "Max processes             unlimited            unlimited            processes \n"
          "Max open files            1048576              1048576              files     \n");
  ProcessLimits u = probe(unlimited.dir());
  EXPECT_FALSE(u.nproc_hard);
  EXPECT_EQ(u.nofile_hard, 1048576u);
  EXPECT_TRUE(podman_ulimit_args(u).empty());
}

TEST(ProcessLimits, UnreadableFilesAreUnknownNotGuessed) {
  testing::FixtureCopy host("lab-vm-kvm-pvm");
  host.remove("/proc/self/limits");
  host.write("/proc/self/status", "Name:\tmkata\nCapEff:\tnot-hex\n");
  ProcessLimits l = probe(host.dir());
  EXPECT_FALSE(l.nofile_hard);
  EXPECT_FALSE(l.cap_sys_resource);
  EXPECT_TRUE(podman_ulimit_args(l).empty());
  EXPECT_EQ(l.evidence.front(), (Evidence{"/proc/self/limits", "unreadable"}));
}

}  // namespace
}  // namespace mkata::host
