#include "host/kvm_probe.h"

#include "host/kernel_modules.h"

namespace mkata::host {
namespace {

// The vendor modules first: they carry `nested`; any other kvm_* module (kvm_pvm) is recorded as
// the provider so the report can say where a working /dev/kvm comes from.
constexpr const char* kKvmModules[] = {"kvm_intel", "kvm_amd", "kvm_pvm"};

std::string ioctl_evidence(const KvmIoctlResult& r) {
  if (!r.opened) return "open failed: " + errno_name(r.open_errno);
  std::string text = "KVM_GET_API_VERSION = " + std::to_string(r.api_version) + ", KVM_CREATE_VM ";
  return text + (r.create_vm_ok ? "ok" : "failed: " + errno_name(r.create_vm_errno));
}

}  // namespace

bool parameter_enabled(const std::optional<std::string>& value) {
  return value && (*value == "Y" || *value == "y" || *value == "1");
}

KvmFacts probe_kvm(const HostRoot& root) {
  KvmFacts kvm;
  kvm.device = root.device("/dev/kvm");
  kvm.evidence.push_back({"/dev/kvm", kvm.device.detail + (kvm.device.exists
                                           ? (kvm.device.accessible ? ", accessible to uid "
                                                                    : ", not accessible to uid ") +
                                                 std::to_string(root.uid())
                                           : "")});
  kvm.ioctls = root.kvm_ioctls();
  kvm.evidence.push_back({"ioctl(/dev/kvm)", ioctl_evidence(kvm.ioctls)});
  for (const char* module : kKvmModules) {
    if (!root.exists(std::string("/sys/module/") + module)) continue;
    kvm.module = module;
    kvm.evidence.push_back({std::string("/sys/module/") + module, "present"});
    break;
  }
  if (kvm.module.empty()) {
    kvm.evidence.push_back({"/sys/module", "no kvm_intel, kvm_amd or kvm_pvm"});
    return kvm;
  }
  kvm.nested = module_parameter(root, kvm.module, "nested");
  if (kvm.nested) {
    kvm.evidence.push_back({"/sys/module/" + kvm.module + "/parameters/nested", *kvm.nested});
  }
  if (kvm.module == "kvm_intel") {
    kvm.unrestricted_guest = module_parameter(root, kvm.module, "unrestricted_guest");
    if (kvm.unrestricted_guest) {
      kvm.evidence.push_back({"/sys/module/kvm_intel/parameters/unrestricted_guest",
                              *kvm.unrestricted_guest});
    }
  }
  return kvm;
}

}  // namespace mkata::host
