#include "host/runtime_verdicts.h"

#include <cerrno>

#include "core/strings.h"

namespace mkata::host {
namespace {

constexpr const char* kNestedFix =
    "enable nested virtualisation (Google Cloud: an image with the enable-vmx licence on a "
    "Broadwell or newer CPU platform; other clouds: enable nested virtualisation for the "
    "instance)";

RuntimeVerdict finish(RuntimeVerdict verdict) {
  verdict.usable = verdict.reasons.empty();
  return verdict;
}

RuntimeVerdict needs_tool(const HostFacts& facts, const std::string& tool) {
  RuntimeVerdict verdict;
  if (!facts.tools.get(tool).installed()) verdict.reasons.push_back(tool + " is not installed");
  return verdict;
}

std::string kvm_provider(const KvmFacts& kvm) {
  return kvm.module.empty() ? "an unidentified KVM module" : kvm.module;
}

// The CPU has no vmx/svm flag: a blocker unless some KVM is there anyway (kvm_pvm gives one
// without the flags), in which case the /dev/kvm rules decide and this is only a note.
void judge_missing_virtualization(const HostFacts& facts, RuntimeVerdict& v) {
  const KvmFacts& kvm = facts.kvm;
  if (kvm.usable() && kvm.module == "kvm_pvm") {
    // PVM is KVM without VT-x/AMD-V: guests run paravirtualised and need a kernel built for it.
    v.notes.push_back(
        "the CPU shows no vmx or svm flag, yet /dev/kvm works (provided by kvm_pvm, a "
        "paravirtual KVM): it boots only guest kernels built with PVM guest support, which "
        "Kata's stock guest kernel may lack; 'mkata validate' proves it either way");
  } else if (kvm.usable()) {
    v.notes.push_back("the CPU shows no vmx or svm flag, yet /dev/kvm works (provided by " +
                      kvm_provider(kvm) + ")");
  } else if (kvm.device.exists) {
    v.notes.push_back("the CPU shows no vmx or svm flag, yet /dev/kvm exists (provided by " +
                      kvm_provider(kvm) + "); whether it works is not known");
  } else if (facts.cpu.hypervisor) {
    v.reasons.push_back(
        "CPU has no vmx or svm flag and this host is a VM (hypervisor flag): nested "
        "virtualisation is off; " + std::string(kNestedFix));
  } else {
    v.reasons.push_back(
        "CPU has no vmx or svm flag: enable VT-x/AMD-V in the firmware (BIOS/UEFI) settings");
  }
}

void judge_kata_cpu(const HostFacts& facts, RuntimeVerdict& v) {
  const CpuInfo& cpu = facts.cpu;
  if (!cpu.virtualization_flag()) {
    judge_missing_virtualization(facts, v);
  } else if (cpu.hypervisor) {
    v.notes.push_back("this host is a VM with nested virtualisation (hypervisor and " +
                      std::string(cpu.vmx ? "vmx" : "svm") + " flags)");
  }
  if (!cpu.lm) v.reasons.push_back("CPU lacks the lm flag (64-bit long mode)");
  if (!cpu.sse4_1) v.reasons.push_back("CPU lacks the sse4_1 flag (needed by Kata's guest)");
}

void judge_kata_kvm(const HostFacts& facts, RuntimeVerdict& v) {
  const KvmFacts& kvm = facts.kvm;
  const KvmIoctlResult& io = kvm.ioctls;
  if (!kvm.device.exists) {
    v.reasons.push_back("/dev/kvm does not exist");
  } else if (!kvm.device.accessible) {
    v.reasons.push_back("/dev/kvm is not accessible to uid " + std::to_string(facts.uid) +
                        ": run as root or add the user to the kvm group");
  } else if (!io.opened) {
    v.reasons.push_back("/dev/kvm cannot be opened: " + errno_name(io.open_errno));
  } else if (io.api_version != 12) {
    v.reasons.push_back("KVM_GET_API_VERSION returned " + std::to_string(io.api_version) +
                        ", expected 12");
  } else if (!io.create_vm_ok) {
    v.reasons.push_back(io.create_vm_errno == EBUSY
                            ? "KVM_CREATE_VM failed: EBUSY: another hypervisor (VirtualBox, "
                              "VMware) holds VT-x/AMD-V"
                            : "KVM_CREATE_VM failed: " + errno_name(io.create_vm_errno));
  }
  if (kvm.unrestricted_guest && !parameter_enabled(kvm.unrestricted_guest)) {
    v.reasons.push_back("kvm_intel unrestricted_guest is " + *kvm.unrestricted_guest +
                        ": Kata needs unrestricted guest support");
  }
  if (kvm.nested && !parameter_enabled(kvm.nested)) {
    v.notes.push_back(kvm.module + " nested is " + *kvm.nested +
                      ": Kata runs here, but VMs on this host cannot run Kata themselves");
  }
}

void judge_kata_vhost(const HostFacts& facts, RuntimeVerdict& v) {
  const VhostFeature& vsock = facts.kernel.vhost_vsock;
  if (!vsock.available()) {
    v.reasons.push_back(vsock.module.loadable
                            ? "vhost_vsock is not loaded (no /dev/vhost-vsock); the module is "
                              "installed: load it with 'modprobe vhost_vsock'"
                            : "vhost_vsock is not available: no /dev/vhost-vsock and no "
                              "vhost_vsock module loaded");
  }
  if (!facts.kernel.vhost_net.available()) {
    v.notes.push_back(
        "vhost_net is not available (no /dev/vhost-net): kata-check lists it as required; "
        "Kata's pod networking cannot use vhost-net acceleration");
  }
}

}  // namespace

RuntimeVerdict judge_runc(const HostFacts& facts) { return finish(needs_tool(facts, "runc")); }

RuntimeVerdict judge_crun(const HostFacts& facts) {
  RuntimeVerdict v = needs_tool(facts, "crun");
  const CgroupLayout& cg = facts.cgroups;
  if (cg.layout == "hybrid" && !cg.cgroup2_controllers.empty()) {
    v.notes.push_back("cgroup layout is hybrid and " + cg.cgroup2_mount +
                      "/cgroup.controllers lists " + join(cg.cgroup2_controllers, " ") +
                      ": crun alone refuses this (\"cgroups in hybrid mode not supported\"); "
                      "mkata runs crun through its adapter, which hides the cgroup2 mount");
  }
  return finish(v);
}

RuntimeVerdict judge_gvisor(const HostFacts& facts) {
  RuntimeVerdict v = needs_tool(facts, "runsc");
  if (!v.reasons.empty()) return finish(v);
  // The platform note explains the choice: systrap when this runsc has it, else why not.
  for (const auto& p : facts.gvisor.platforms) {
    if (p.name == "systrap") {
      v.notes.push_back("platform " + facts.gvisor.recommended + ": systrap " +
                        (p.works ? "available, " : "unavailable, ") + p.why);
    }
  }
  if (!facts.tools.get("containerd-shim-runsc-v1").installed()) {
    v.notes.push_back(
        "containerd-shim-runsc-v1 is not installed: mkata registers gVisor through the runc shim "
        "with its runsc adapter");
  }
  return finish(v);
}

RuntimeVerdict judge_kata(const HostFacts& facts) {
  RuntimeVerdict v;
  judge_kata_cpu(facts, v);
  judge_kata_kvm(facts, v);
  judge_kata_vhost(facts, v);
  if (!facts.tools.get("containerd-shim-kata-v2").installed()) {
    v.reasons.push_back("Kata shim containerd-shim-kata-v2 is not installed");
  }
  return finish(v);
}

std::map<std::string, RuntimeVerdict> judge_runtimes(const HostFacts& facts) {
  return {{"runc", judge_runc(facts)},
          {"crun", judge_crun(facts)},
          {"gvisor", judge_gvisor(facts)},
          {"kata", judge_kata(facts)}};
}

}  // namespace mkata::host
