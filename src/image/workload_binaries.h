// Where `mkata images build` finds the workload binaries (helloworld, autoscale, pause), and the
// check that each one can run alone in an image: a static x86-64 ELF executable (our images hold
// nothing else — no libc, no loader — so a dynamic binary would fail at container start with a
// confusing "no such file or directory").
//
// Lookup, first match wins:
//   1. --workloads DIR (an explicit choice: only DIR is searched)
//   2. $MKATA_WORKLOAD_DIR (also exclusive when set and non-empty)
//   3. <directory of the mkata executable>/../../workloads — the build tree, where
//      build/src/cli/mkata sits two levels below build/workloads
//   4. <directory of the mkata executable>/../lib/mkata/workloads — the Debian package
//      (/usr/bin/mkata, /usr/lib/mkata/workloads)
//   5. /usr/local/lib/mkata/workloads — an installed copy
// A directory counts only when it holds all three binaries, so an image set never mixes builds.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::image {

/// The workload programs every image set needs, in build order.
inline const std::vector<std::string> kWorkloadNames = {"helloworld", "autoscale", "pause"};

/// Installed location searched last.
inline constexpr char kInstalledWorkloadDir[] = "/usr/local/lib/mkata/workloads";

/// The directories searched, in order (see above). explicit_dir: the --workloads value or "";
/// env_dir: $MKATA_WORKLOAD_DIR or ""; exe_path: path of the running executable.
std::vector<std::string> workload_dir_candidates(const std::string& explicit_dir,
                                                 const std::string& env_dir,
                                                 const std::string& exe_path);

/// The first candidate that holds every name in kWorkloadNames. Error (environment):
/// "find workload binaries: none of helloworld, autoscale, pause found in: <dir> (missing
/// helloworld, ...); <dir> (missing ...)" with a hint to build them or pass --workloads.
Result<std::string> find_workload_dir(const std::vector<std::string>& candidates);

/// Convenience: candidates from --workloads, the environment and /proc/self/exe.
Result<std::string> find_workload_dir(const std::string& explicit_dir);

/// Checks that bytes are a statically linked x86-64 ELF executable (no PT_INTERP). Error names
/// path: "<path> is not a static x86-64 executable: <why>".
Result<void> check_static_executable(const std::string& path, const std::string& bytes);

}  // namespace mkata::image
