// Which runtime pieces are installed, where, and which version they report: containerd (whose
// major version decides the config schema install must write: v2 for 1.x, v3 for 2.x), runc,
// crun, runsc, the runsc and Kata shims, kata-runtime and /opt/kata. Tools are searched in the
// system directories containerd itself uses plus /opt/kata/bin (kata-deploy's location), all
// under the root prefix; versions come from `<tool> --version`, run in parallel with a 1 s timeout.
#pragma once

#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// One tool: where it is and what it says about itself.
struct ToolInfo {
  std::string path;     ///< absolute host path; "" when not installed
  std::string version;  ///< parsed version ("1.6.20", "20221219"); "" when unknown
  std::string version_output;  ///< first line of `--version` (or the error running it)
  bool installed() const { return !path.empty(); }
};

/// The tools, keyed by program name, plus the derived facts.
struct InstalledTools {
  std::map<std::string, ToolInfo> tools;  ///< every name in kToolNames, installed or not
  std::optional<int> containerd_config_schema;  ///< 2 for containerd 1.x, 3 for 2.x
  bool opt_kata = false;                        ///< /opt/kata exists
  std::vector<Evidence> evidence;

  /// The entry for name (an empty ToolInfo for unknown names).
  const ToolInfo& get(const std::string& name) const;
};

/// The programs probed, in report order.
inline constexpr const char* kToolNames[] = {
    "containerd", "runc", "crun", "runsc", "containerd-shim-runsc-v1",
    "containerd-shim-kata-v2", "kata-runtime"};

/// The directories searched, in order (under the root prefix).
inline constexpr const char* kToolDirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                            "/usr/bin", "/sbin", "/bin", "/opt/kata/bin"};

/// Launch policy for the probes' threads: libstdc++ starts a thread and, when none can be
/// created, runs the task deferred (in get()) instead of throwing std::system_error.
inline constexpr std::launch kParallel = std::launch::async | std::launch::deferred;

/// Extracts the version from `--version` output: the first token that starts with a digit
/// ("containerd github.com/containerd/containerd 1.6.20~ds1 ..." → "1.6.20~ds1"), with a
/// Debian "0.0~" prefix dropped ("runsc version 0.0~20221219.0" → "20221219.0"); "" when none.
std::string parse_version(const std::string& output);

/// The containerd config schema a containerd version (as parse_version gives it) reads: 2 for
/// 1.x, 3 for 2.x, nullopt otherwise.
std::optional<int> config_schema(const std::string& containerd_version);

/// Probes every tool through root.
InstalledTools probe_tools(const HostRoot& root);

}  // namespace mkata::host
