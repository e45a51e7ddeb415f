// A tool the user names on the command line instead of the one mkata would find (`--containerd
// PATH`, `--runsc PATH`): the version matrix runs containerd 1.7 and 2.x and a runsc with systrap
// from a private directory, next to the distribution's. The value is checked before anything
// changes — it exists, is an executable file, and its `--version` prints a version — and the host
// facts are then re-derived from it (the gVisor platforms from runsc's release date, the config
// schema from containerd's major version), so that check, the node and validate all judge the
// program that will really run.
#pragma once

#include <string>

#include "core/error.h"
#include "host/host_facts.h"
#include "host/installed_tools.h"

namespace mkata::host {

/// Checks the program a flag names and reads its version. `value` is a path (made absolute,
/// symlinks kept: the program's own directory matters, e.g. for containerd's shims) or a name
/// searched in PATH. Error (usage), one line naming the flag, the value and what is accepted:
/// "--runsc '/x/runsc': no such file (accepted: the path of a runsc program whose --version
/// prints its version)"; also "not an executable file", "'/x/runsc --version' failed: exit 1:
/// ..." and "'/x/runsc --version' printed no version: 'garbage'".
Result<ToolInfo> tool_named_by_flag(const std::string& flag, const std::string& tool,
                                    const std::string& value);

/// Replaces facts.tools[tool] with `chosen` (and its evidence line) and re-derives what depends
/// on it: the gVisor platforms (runsc) and the containerd config schema (containerd).
void use_tool(HostFacts& facts, const std::string& tool, const ToolInfo& chosen);

}  // namespace mkata::host
