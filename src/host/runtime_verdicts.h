// The rules: from HostFacts to a verdict per runtime. A reason is a blocker — the runtime cannot
// run here until it is fixed, and the text says what to fix; a note is something true and useful
// that does not block (mkata works around it, or it only costs performance). Kept apart from the
// probes so that every rule is tested on fixture facts with its exact wording.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/host_facts.h"

namespace mkata::host {

/// The runtimes mkata knows, in report order (the names of --require and --runtime).
inline constexpr const char* kRuntimeNames[] = {"runc", "crun", "gvisor", "kata"};

/// One runtime's verdict.
struct RuntimeVerdict {
  bool usable = false;
  std::vector<std::string> reasons;  ///< every blocker; empty exactly when usable
  std::vector<std::string> notes;    ///< true, relevant, not blocking
};

/// kata-check's wording, kept so that scripts grepping for it keep working.
inline constexpr const char* kKataCapable = "System is capable of running Kata Containers";
inline constexpr const char* kKataNotCapable = "System is not capable of running Kata Containers";

/// Verdicts for every name in kRuntimeNames.
std::map<std::string, RuntimeVerdict> judge_runtimes(const HostFacts& facts);

/// The individual rules, for callers that need one runtime.
RuntimeVerdict judge_runc(const HostFacts& facts);
RuntimeVerdict judge_crun(const HostFacts& facts);
RuntimeVerdict judge_gvisor(const HostFacts& facts);
RuntimeVerdict judge_kata(const HostFacts& facts);

}  // namespace mkata::host
