// What /proc/cpuinfo says about the CPU: the vendor and the flags that decide whether hardware
// virtualisation is possible (vmx on Intel, svm on AMD), the baseline Kata's guest kernel needs
// (lm, sse4_1), and whether we run inside a VM at all (the `hypervisor` flag, which means Kata
// needs nested virtualisation). Only the first processor is read: flags are uniform on x86.
#pragma once

#include <set>
#include <string>

#include "core/error.h"
#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// The CPU facts with the line of /proc/cpuinfo that said them.
struct CpuInfo {
  std::string vendor;      ///< vendor_id, e.g. "GenuineIntel", "AuthenticAMD"
  std::string model_name;  ///< "model name"
  int processors = 0;      ///< number of "processor" entries
  bool vmx = false, svm = false, lm = false, sse4_1 = false, hypervisor = false;
  std::vector<Evidence> evidence;

  bool virtualization_flag() const { return vmx || svm; }
};

/// Parses the text of /proc/cpuinfo. Error when it has no "flags" line:
/// "/proc/cpuinfo: no flags line".
Result<CpuInfo> parse_cpuinfo(const std::string& text);

/// Reads and parses /proc/cpuinfo through root.
Result<CpuInfo> probe_cpu(const HostRoot& root);

}  // namespace mkata::host
