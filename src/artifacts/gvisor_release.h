// Installing gVisor. Upstream publishes no archive: each binary is a separate file with a
// sha512sum-format file beside it (…/release/<version>/x86_64/runsc and runsc.sha512, likewise
// containerd-shim-runsc-v1). We take both binaries from a URL base or a local directory, verify
// each against its .sha512 before anything is written to the prefix, and place them (mode 0755)
// with the same staging, placement and manifest as Kata. Without a source, Debian's runsc
// package is used when installed: nothing is downloaded, and the result names its runsc. Debian
// ships no containerd-shim-runsc-v1, so such a handler runs on containerd's runc shim with
// BinaryName = runsc (or mkata's runsc adapter on containerd 1.6; see docs/adapters.md).
#pragma once

#include <string>

#include "artifacts/download.h"
#include "artifacts/install_manifest.h"
#include "artifacts/installed_runtime.h"
#include "core/error.h"

namespace mkata::artifacts {

/// The files an upstream gVisor release provides, in install order.
inline constexpr const char* kGvisorBinaries[] = {"runsc", "containerd-shim-runsc-v1"};

/// What to install and how.
struct GvisorInstallOptions {
  /// An https:// URL base (".../release/latest/x86_64", optionally ending in "/runsc"), a
  /// directory holding the files, or the path of its runsc. Empty: use Debian's package.
  std::string source;
  std::string prefix = "/usr/local/bin";
  std::string manifest_dir = kDefaultManifestDir;
  /// Where Debian's runsc package puts runsc.
  std::string distribution_runsc = "/usr/bin/runsc";
  bool force = false;
  DownloadOptions download;
};

/// Installs gVisor (or reports Debian's runsc). Errors are prefixed "install gvisor: " — e.g.
/// "install gvisor: checksum mismatch for runsc: expected sha512 <hex>, got <hex>",
/// "install gvisor: read <dir>/runsc.sha512: No such file or directory", and without a source
/// on a host lacking the package: "install gvisor: no --from given and Debian's runsc package is
/// not installed (/usr/bin/runsc is missing)". The result names runsc, the shim (when
/// installed) and the runtime_type: io.containerd.runsc.v1 with the shim, io.containerd.runc.v2
/// otherwise.
Result<InstalledRuntime> install_gvisor_release(const GvisorInstallOptions& options);

}  // namespace mkata::artifacts
