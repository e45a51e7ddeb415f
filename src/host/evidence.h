// Every host fact carries its evidence: which file or device said what. Reports print it so that
// a user can check a verdict by hand, and tests assert it.
#pragma once

#include <string>
#include <vector>

namespace mkata::host {

/// One observation: the source (a host path, an ioctl, a command) and what it said.
struct Evidence {
  std::string source;  ///< e.g. "/proc/cpuinfo", "ioctl(/dev/kvm, KVM_CREATE_VM)"
  std::string said;    ///< e.g. "flags: no vmx, no svm, hypervisor"
  bool operator==(const Evidence&) const = default;
};

}  // namespace mkata::host
