// MicroK8s starts containerd with the environment of /var/snap/microk8s/current/args/containerd-env,
// whose stock text ends in `PATH=$PATH:$KATA_PATH` after a commented `# KATA_PATH=` line: setting
// KATA_PATH there is the snap's own way to put Kata's shim on containerd's PATH (its stock `kata`
// handler has no runtime_path). `mkata install --runtime kata --from ...` sets it to <prefix>/bin.
// The file is a shell fragment; we only ever touch the one KATA_PATH assignment.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace mkata::node {

/// Where MicroK8s keeps containerd's environment (under the host root).
inline constexpr const char* kMicrok8sContainerdEnv = "/var/snap/microk8s/current/args/containerd-env";

/// `text` with KATA_PATH=<dir>: an active `KATA_PATH=` line is replaced; else the snap's commented
/// `# KATA_PATH=` line is; else the assignment is inserted before the `PATH=...$KATA_PATH` line, or
/// appended together with such a line when there is none. Idempotent.
std::string with_kata_path(std::string_view text, const std::string& dir);

/// Sets KATA_PATH in the file (backup "<file>.mkata-backup", atomic write, mode kept). Returns
/// whether the file changed. Errors: "read <file>: ..." (it must exist), "write <file>: ...".
Result<bool> set_kata_path(const std::string& env_file, const std::string& dir);

}  // namespace mkata::node
