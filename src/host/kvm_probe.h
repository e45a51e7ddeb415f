// Whether this host can run a hypervisor through KVM: the /dev/kvm node and its permissions, the
// ioctls that prove it works (through the HostRoot seam), which KVM module provides it (kvm_intel,
// kvm_amd, or another such as kvm_pvm, which offers KVM without vmx/svm), and the module
// parameters Kata cares about (`nested`, `unrestricted_guest`).
#pragma once

#include <optional>
#include <string>

#include "host/evidence.h"
#include "host/host_root.h"
#include "host/kvm_ioctl.h"

namespace mkata::host {

/// The KVM facts with their evidence.
struct KvmFacts {
  DeviceNode device;             ///< /dev/kvm
  KvmIoctlResult ioctls;         ///< what opening it and asking it said
  std::string module;            ///< "kvm_intel", "kvm_amd", "kvm_pvm", or "" when none is loaded
  std::optional<std::string> nested;              ///< module parameter, as written ("Y", "1")
  std::optional<std::string> unrestricted_guest;  ///< kvm_intel only
  std::vector<Evidence> evidence;

  /// /dev/kvm opens read-write, reports API 12 and creates a VM.
  bool usable() const {
    return ioctls.opened && ioctls.api_version == 12 && ioctls.create_vm_ok;
  }
};

/// Probes /dev/kvm, the ioctls and the KVM module parameters through root.
KvmFacts probe_kvm(const HostRoot& root);

/// True for the values the kernel uses for an enabled boolean parameter ("Y", "y", "1").
bool parameter_enabled(const std::optional<std::string>& value);

}  // namespace mkata::host
