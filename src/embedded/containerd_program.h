// Which containerd the embedded node runs: the one on PATH (the distribution's), or the one
// `--containerd PATH` names — containerd 1.7 or 2.x unpacked next to the system's, for the version
// matrix. Its version decides the config schema the node renders (v2 for 1.x, v3 for 2.x:
// node_config.h), and its own directory comes first on containerd's PATH, so that the shims it
// starts (containerd-shim-runc-v2) are those of the same package, never the system's older ones.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "node/runtime_handler.h"

namespace mkata::embedded {

/// A containerd program, checked and with its version read.
struct ContainerdProgram {
  std::string path;     ///< absolute, e.g. /usr/bin/containerd
  std::string version;  ///< from `--version`, e.g. "1.6.20~ds1", "2.1.9+unknown"
  node::ConfigSchema schema = node::ConfigSchema::kV2;  ///< the schema this containerd reads

  /// The directory of the program (its package's shims live there too).
  std::string dir() const;
};

/// The environment entries a containerd program runs with: "PATH=<its directory>:<our PATH>",
/// so that the shims it looks up in PATH are those of its own package.
std::vector<std::string> containerd_env(const std::string& program_path);

/// Checks the containerd named by `--containerd` ("" = `containerd` on PATH) and reads its
/// version, before anything changes. Error (usage), one line naming the flag and the value:
/// "--containerd '/x': no such file (accepted: the path of a containerd program whose --version
/// prints its version)"; a program not named containerd: "--containerd '/x/ctd': the program
/// must be named containerd (accepted: ...)"; without one on PATH: "containerd is not installed
/// (not found in PATH; give --containerd PATH)".
Result<ContainerdProgram> choose_containerd(const std::string& value);

}  // namespace mkata::embedded
