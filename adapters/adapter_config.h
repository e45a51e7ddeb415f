// Configuration of an adapter, found where it works when containerd's shim execs the adapter
// with containerd's environment (which a user of a distribution's containerd cannot easily
// change): a small `key = value` file BESIDE the adapter, named after the path the shim
// executed plus ".conf" — e.g. BinaryName "/var/lib/mkata/bin/mkata-runsc-adapter" reads
// "/var/lib/mkata/bin/mkata-runsc-adapter.conf". A symlink per node therefore gives each node
// its own configuration. Order: $MKATA_<NAME>_ADAPTER_CONFIG, then "<argv0>.conf", then
// "<real path of the executable>.conf", then built-in defaults. See docs/adapters.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::adapters {

/// Parsed `key = value` lines: '#' starts a comment, blank lines are ignored, a key may repeat
/// (values kept in order).
using ConfigValues = std::map<std::string, std::vector<std::string>>;

/// Parses config text; `source` names the file in errors. Only `accepted` keys are allowed:
/// "<source> line 3: unknown key \"platfrom\" (accepted: runsc, platform, ...)".
Result<ConfigValues> parse_config(const std::string& text, const std::string& source,
                                  const std::vector<std::string>& accepted);

/// Settings of the runsc adapter.
struct RunscAdapterConfig {
  std::string runsc = "runsc";      ///< `runsc`: program path (or name searched in PATH)
  std::string platform = "ptrace";  ///< `platform`: --platform=<value>; "" to omit
  std::string root;                 ///< `root`: overrides the shim's --root when set
  std::vector<std::string> flags;   ///< `flag`: extra global runsc flags, repeatable
  std::string output_dir;           ///< `output_dir`: where `runsc start` output goes
                                    ///< (default: the directory of the shim's --log)
  std::string trace;                ///< `trace`: append each invocation and its result
                                    ///< to this file (troubleshooting); "" = off
};

/// Settings of the crun adapter.
struct CrunAdapterConfig {
  std::string crun = "crun";  ///< `crun`: program path (or name searched in PATH)
  /// `hide`: mount points to unmount in crun's private mount namespace; default: every cgroup2
  /// mount below /sys/fs/cgroup on a hybrid host (i.e. /sys/fs/cgroup/unified).
  std::vector<std::string> hide;
  /// `max_spec`: the newest OCI spec version (major.minor) crun is shown; a bundle whose
  /// ociVersion is newer is presented as <max_spec>.0. crun 1.8.1 (Debian 12) refuses any
  /// ociVersion but 1.0.x and 1.1.x ("unknown version specified"), and containerd 1.7 and 2.x
  /// write 1.2.0. "" = never rewrite.
  std::string max_spec = "1.1";
};

Result<RunscAdapterConfig> runsc_config_from(const std::string& text, const std::string& source);
Result<CrunAdapterConfig> crun_config_from(const std::string& text, const std::string& source);

/// The config file to read: the env override, else the first existing "<argv0>.conf" /
/// "<exe>.conf"; "" when none exists (defaults apply).
std::string find_config_file(const std::string& env_name, const std::string& argv0);

}  // namespace mkata::adapters
