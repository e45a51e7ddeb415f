// The verdicts on every fixture host, with their exact reasons and notes, plus the rules that
// only a modified copy of a tree can reach (EBUSY, a denied /dev/kvm, a bare-metal CPU without
// vmx, a missing tool).
#include "host/runtime_verdicts.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

using testing::FixtureCopy;
using testing::fixture_dir;
using testing::probe_fixture;
using Strings = std::vector<std::string>;

const std::string kNoVsock =
    "vhost_vsock is not available: no /dev/vhost-vsock and no vhost_vsock module loaded";
const std::string kNoKataShim = "Kata shim containerd-shim-kata-v2 is not installed";
const std::string kNoRunscShim =
    "containerd-shim-runsc-v1 is not installed: mkata registers gVisor through the runc shim with "
    "its runsc adapter";
const std::string kNoVhostNet =
    "vhost_net is not available (no /dev/vhost-net): kata-check lists it as required; Kata's pod "
    "networking cannot use vhost-net acceleration";
const std::string kOldRunsc =
    "platform ptrace: systrap unavailable, runsc 20221219 is older than release 20230101 "
    "(systrap arrived in 2023)";

std::map<std::string, RuntimeVerdict> judge(const std::string& fixture) {
  return judge_runtimes(probe_fixture(fixture_dir(fixture)));
}

void expect_verdict(const RuntimeVerdict& v, bool usable, const Strings& reasons,
                    const Strings& notes) {
  EXPECT_EQ(v.usable, usable);
  EXPECT_EQ(v.reasons, reasons);
  EXPECT_EQ(v.notes, notes);
}

TEST(RuntimeVerdicts, IntelBareMetalWithKvmRunsEverything) {
  auto v = judge("intel-bare-metal-kvm");
  expect_verdict(v["runc"], true, {}, {});
  expect_verdict(v["crun"], true, {}, {});
  expect_verdict(v["gvisor"], true, {},
                 {"platform systrap: systrap available, runsc 20240212 is release 20230101 "
                  "(systrap arrived in 2023)"});
  expect_verdict(v["kata"], true, {}, {});
}

TEST(RuntimeVerdicts, AmdVmWithNestedVirtualisationRunsKata) {
  auto v = judge("amd-vm-nested");
  expect_verdict(v["runc"], true, {}, {});
  expect_verdict(v["crun"], false, {"crun is not installed"}, {});
  expect_verdict(v["gvisor"], false, {"runsc is not installed"}, {});
  expect_verdict(v["kata"], true, {},
                 {"this host is a VM with nested virtualisation (hypervisor and svm flags)"});
}

TEST(RuntimeVerdicts, CloudVmWithoutVmxCannotRunKata) {
  auto v = judge("cloud-vm-no-vmx");
  expect_verdict(v["runc"], true, {}, {});
  expect_verdict(v["gvisor"], false, {"runsc is not installed"}, {});
  expect_verdict(
      v["kata"], false,
      {"CPU has no vmx or svm flag and this host is a VM (hypervisor flag): nested "
       "virtualisation is off; enable nested virtualisation (Google Cloud: an image with the "
       "enable-vmx licence on a Broadwell or newer CPU platform; other clouds: enable nested "
       "virtualisation for the instance)",
       "/dev/kvm does not exist",
       "vhost_vsock is not loaded (no /dev/vhost-vsock); the module is installed: load it with "
       "'modprobe vhost_vsock'"},
      {kNoVhostNet});
}

TEST(RuntimeVerdicts, KvmWithoutVhostVsockCannotRunKata) {
  auto v = judge("kvm-no-vsock");
  expect_verdict(v["runc"], true, {}, {});
  // Hybrid layout, but the cgroup2 mount lists no controllers: crun runs as it is.
  expect_verdict(v["crun"], true, {}, {});
  expect_verdict(v["gvisor"], true, {}, {kOldRunsc, kNoRunscShim});
  expect_verdict(v["kata"], false, {kNoVsock},
                 {"kvm_intel nested is N: Kata runs here, but VMs on this host cannot run Kata "
                  "themselves"});
}

TEST(RuntimeVerdicts, LabVmWithKvmPvmSaysWhatIsTrue) {
  auto v = judge("lab-vm-kvm-pvm");
  expect_verdict(v["runc"], true, {}, {});
  expect_verdict(v["crun"], true, {},
                 {"cgroup layout is hybrid and /sys/fs/cgroup/unified/cgroup.controllers lists "
                  "hugetlb: crun alone refuses this (\"cgroups in hybrid mode not supported\"); "
                  "mkata runs crun through its adapter, which hides the cgroup2 mount"});
  expect_verdict(v["gvisor"], true, {}, {kOldRunsc, kNoRunscShim});
  expect_verdict(v["kata"], false, {kNoVsock, kNoKataShim},
                 {"the CPU shows no vmx or svm flag, yet /dev/kvm works (provided by kvm_pvm, a "
                  "paravirtual KVM): it boots only guest kernels built with PVM guest support, "
                  "which Kata's stock guest kernel may lack; 'mkata validate' proves it either "
                  "way",
                  kNoVhostNet});
}

TEST(RuntimeVerdicts, WorkingKvmWithoutVmxFromAnotherModule) {
  FixtureCopy host("lab-vm-kvm-pvm");
  host.remove("/sys/module/kvm_pvm");
  EXPECT_EQ(judge_kata(host.probe()).notes[0],
            "the CPU shows no vmx or svm flag, yet /dev/kvm works (provided by an unidentified "
            "KVM module)");
}

TEST(RuntimeVerdicts, DeniedKvmWithoutVmxBlamesTheDeviceNotTheCpu) {
  FixtureCopy host("lab-vm-kvm-pvm");
  host.write("/dev/kvm", "denied character device 10:232, mode 0600, owner 0:0\n");
  host.write("/fixture/uid", "65534\n");
  RuntimeVerdict kata = judge_kata(host.probe());
  EXPECT_EQ(kata.reasons,
            (Strings{"/dev/kvm is not accessible to uid 65534: run as root or add the user to "
                     "the kvm group",
                     kNoVsock, kNoKataShim}));
  EXPECT_EQ(kata.notes[0],
            "the CPU shows no vmx or svm flag, yet /dev/kvm exists (provided by kvm_pvm); "
            "whether it works is not known");
}

TEST(RuntimeVerdicts, CreateVmBusyNamesTheOtherHypervisor) {
  FixtureCopy host("intel-bare-metal-kvm");
  host.write("/fixture/kvm-ioctls", "api_version=12\ncreate_vm=EBUSY\n");
  expect_verdict(judge_kata(host.probe()), false,
                 {"KVM_CREATE_VM failed: EBUSY: another hypervisor (VirtualBox, VMware) holds "
                  "VT-x/AMD-V"},
                 {});
}

TEST(RuntimeVerdicts, OtherCreateVmErrorsAndApiVersion) {
  FixtureCopy host("intel-bare-metal-kvm");
  host.write("/fixture/kvm-ioctls", "api_version=12\ncreate_vm=ENOMEM\n");
  EXPECT_EQ(judge_kata(host.probe()).reasons, Strings{"KVM_CREATE_VM failed: ENOMEM"});
  host.write("/fixture/kvm-ioctls", "api_version=11\ncreate_vm=ok\n");
  EXPECT_EQ(judge_kata(host.probe()).reasons,
            Strings{"KVM_GET_API_VERSION returned 11, expected 12"});
}

TEST(RuntimeVerdicts, DeniedKvmForAnOrdinaryUser) {
  FixtureCopy host("intel-bare-metal-kvm");
  host.write("/dev/kvm", "denied character device 10:232, mode 0660, owner 0:993\n");
  host.write("/fixture/uid", "1000\n");
  HostFacts facts = host.probe();
  expect_verdict(judge_kata(facts), false,
                 {"/dev/kvm is not accessible to uid 1000: run as root or add the user to the "
                  "kvm group"},
                 {});
  EXPECT_FALSE(facts.kvm.ioctls.opened);
  EXPECT_EQ(facts.gvisor.platforms[0].why, "/dev/kvm is not usable (see kvm evidence)");
}

TEST(RuntimeVerdicts, BareMetalWithoutVmxPointsAtTheFirmware) {
  FixtureCopy host("kvm-no-vsock");
  host.remove("/dev/kvm");
  host.remove("/sys/module/kvm_intel");
  host.write("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu lm sse4_1\n");
  EXPECT_EQ(judge_kata(host.probe()).reasons,
            (Strings{"CPU has no vmx or svm flag: enable VT-x/AMD-V in the firmware (BIOS/UEFI) "
                     "settings",
                     "/dev/kvm does not exist", kNoVsock}));
}

TEST(RuntimeVerdicts, OldCpuAndUnrestrictedGuest) {
  FixtureCopy host("intel-bare-metal-kvm");
  host.write("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\n");
  host.write("/sys/module/kvm_intel/parameters/unrestricted_guest", "N\n");
  EXPECT_EQ(judge_kata(host.probe()).reasons,
            (Strings{"CPU lacks the lm flag (64-bit long mode)",
                     "CPU lacks the sse4_1 flag (needed by Kata's guest)",
                     "kvm_intel unrestricted_guest is N: Kata needs unrestricted guest support"}));
}

TEST(RuntimeVerdicts, MissingToolsAreBlockers) {
  FixtureCopy host("intel-bare-metal-kvm");
  host.remove("/usr/local/sbin/runc");
  host.remove("/opt/kata");
  auto v = judge_runtimes(host.probe());
  expect_verdict(v["runc"], false, {"runc is not installed"}, {});
  expect_verdict(v["kata"], false, {kNoKataShim}, {});
}

}  // namespace
}  // namespace mkata::host
