// Which gVisor platform (the mechanism runsc uses to intercept the sandboxed application's system
// calls) would work here, and why. kvm needs a usable /dev/kvm; systrap (the default since 2023)
// needs a runsc release from 2023 or later — Debian 12's runsc 20221219 predates it; ptrace works
// wherever runsc runs, slowest of the three.
#pragma once

#include <string>
#include <vector>

#include "host/installed_tools.h"
#include "host/kvm_probe.h"

namespace mkata::host {

/// One platform and whether it would work.
struct GvisorPlatform {
  std::string name;  ///< "kvm", "systrap", "ptrace"
  bool works = false;
  std::string why;
};

/// The three platforms, in report order, and the one mkata would use.
struct GvisorPlatforms {
  std::vector<GvisorPlatform> platforms;  ///< kvm, systrap, ptrace
  std::string recommended;                ///< "systrap" or "ptrace"; "" without runsc
};

/// The first runsc release date (YYYYMMDD) mkata trusts to have the systrap platform.
inline constexpr int kSystrapSince = 20230101;

/// The release date from a parsed runsc version ("20221219.0" → 20221219); 0 when not a date.
int runsc_release_date(const std::string& version);

/// Judges the platforms from the runsc version and the KVM facts.
GvisorPlatforms judge_gvisor_platforms(const ToolInfo& runsc, const KvmFacts& kvm);

}  // namespace mkata::host
