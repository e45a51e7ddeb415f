#include "host/gvisor_platform.h"

#include <cctype>

namespace mkata::host {

int runsc_release_date(const std::string& version) {
  if (version.size() < 8) return 0;
  int date = 0;
  for (size_t i = 0; i < 8; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(version[i]))) return 0;
    date = date * 10 + (version[i] - '0');
  }
  // Plausible gVisor release dates only (the project's releases started in 2018).
  return date >= 20180101 && date <= 29991231 ? date : 0;
}

GvisorPlatforms judge_gvisor_platforms(const ToolInfo& runsc, const KvmFacts& kvm) {
  GvisorPlatforms result;
  if (!runsc.installed()) {
    for (const char* name : {"kvm", "systrap", "ptrace"}) {
      result.platforms.push_back({name, false, "runsc is not installed"});
    }
    return result;
  }
  // gVisor's kvm platform drives hardware virtualisation itself; kvm_pvm offers none.
  bool pvm = kvm.module == "kvm_pvm";
  GvisorPlatform kvm_platform{"kvm", kvm.usable() && !pvm, ""};
  kvm_platform.why = kvm_platform.works ? "/dev/kvm opens and KVM_CREATE_VM succeeds"
                     : !kvm.device.exists ? "/dev/kvm does not exist"
                     : kvm.usable() ? "/dev/kvm comes from kvm_pvm (paravirtual, no VT-x/AMD-V), "
                                      "which gVisor's kvm platform does not target"
                                    : "/dev/kvm is not usable (see kvm evidence)";
  int date = runsc_release_date(runsc.version);
  GvisorPlatform systrap{"systrap", date >= kSystrapSince, ""};
  if (date == 0) {
    systrap.why = "runsc version '" + runsc.version + "' is not a release date; cannot tell";
  } else {
    systrap.why = "runsc " + std::to_string(date) + (systrap.works ? " is" : " is older than") +
                  " release " + std::to_string(kSystrapSince) + " (systrap arrived in 2023)";
  }
  GvisorPlatform ptrace{"ptrace", true, "always available with runsc (the slowest)"};
  result.platforms = {kvm_platform, systrap, ptrace};
  result.recommended = systrap.works ? "systrap" : "ptrace";
  return result;
}

}  // namespace mkata::host
