// The only probe that cannot read a file: whether KVM really works. Kata (and gVisor's kvm
// platform) need more than a /dev/kvm node — the API version must be 12 (the stable KVM API since
// Linux 2.6.22) and KVM_CREATE_VM must succeed; EBUSY there means another hypervisor (VirtualBox,
// VMware) holds VT-x. The VM is created and immediately closed, which leaves nothing behind.
#pragma once

#include <string>

namespace mkata::host {

/// The outcome of opening /dev/kvm and asking it two questions.
struct KvmIoctlResult {
  bool opened = false;     ///< open(O_RDWR) succeeded, so the ioctls ran
  int open_errno = 0;      ///< why the open failed (ENOENT, EACCES, ...)
  int api_version = -1;    ///< KVM_GET_API_VERSION, -1 when it failed
  bool create_vm_ok = false;
  int create_vm_errno = 0;  ///< errno of KVM_CREATE_VM when it failed
};

/// Runs the real ioctls on the device at path (normally "/dev/kvm").
KvmIoctlResult run_kvm_ioctls(const std::string& path);

/// Short errno name for evidence and fixtures ("EBUSY"); "errno N" when unknown.
std::string errno_name(int err);
/// The inverse of errno_name() for the names it knows; 0 when unknown.
int errno_from_name(const std::string& name);

}  // namespace mkata::host
