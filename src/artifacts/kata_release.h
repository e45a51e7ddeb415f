// Installing Kata Containers from its static release archive. Kata publishes
// kata-static-<version>-<arch>.tar.xz whose entries all live under opt/kata/:
//   opt/kata/bin/                               containerd-shim-kata-v2, kata-runtime, hypervisors
//                                               (qemu-system-x86_64, cloud-hypervisor, firecracker)
//   opt/kata/share/defaults/kata-containers/    configuration-*.toml (+ configuration.toml link)
//   opt/kata/share/kata-containers/             guest kernels (vmlinux*) and images (*.img)
// The archive is fetched (or read), verified against the digest the user gives, unpacked into a
// staging directory with the safety rules of archive_unpack.h, checked for that layout, and
// placed under the prefix (opt/kata/X → <prefix>/X). Kata's configuration files name their
// kernel, image and hypervisor by absolute /opt/kata paths; under another prefix those paths are
// rewritten in the configuration files (kata-deploy does the same for its multi-install mode).
#pragma once

#include <string>

#include "artifacts/archive_unpack.h"
#include "artifacts/download.h"
#include "artifacts/install_manifest.h"
#include "artifacts/installed_runtime.h"
#include "core/error.h"

namespace mkata::artifacts {

/// Kata's own install location; its configuration files refer to it.
inline constexpr const char* kKataDefaultPrefix = "/opt/kata";

/// What to install and how.
struct KataInstallOptions {
  std::string source;         ///< kata-static-*.tar.xz: a local file or an https:// URL
  std::string sha256;         ///< expected digest, 64 (sha256) or 128 (sha512) hex digits
  std::string checksum_file;  ///< a sha256sum-style file (path or URL) listing the archive
  std::string prefix = kKataDefaultPrefix;  ///< absolute install directory
  std::string manifest_dir = kDefaultManifestDir;
  bool force = false;  ///< replace files in the way (see prefix_install.h)
  /// The caps against archive bombs (see archive_unpack.h).
  uint64_t max_unpacked_bytes = kDefaultMaxUnpackedBytes;
  uint64_t max_unpack_ratio = kDefaultMaxUnpackRatio;
  DownloadOptions download;
};

/// Installs a Kata static release. A URL source needs sha256 or checksum_file; a local file
/// without either is installed and reported as not verified. Nothing is written to the prefix
/// unless the digest matched and the archive is a safe, complete Kata layout. Errors are
/// prefixed "install kata: " — e.g. "install kata: checksum mismatch for <archive>: expected
/// sha256 <hex>, got <hex>", "install kata: <archive> is not a Kata static release:
/// opt/kata/bin/containerd-shim-kata-v2 is missing", "install kata: unpack <archive>: refuse
/// archive entry '../../etc/x': path contains '..'". The result names the shim, the runtime_type
/// (io.containerd.kata.v2) and the ConfigPath for the handler.
Result<InstalledRuntime> install_kata_release(const KataInstallOptions& options);

/// The version in a release file name ("3.2.0" from "kata-static-3.2.0-amd64.tar.xz"), or
/// "unknown".
std::string kata_version_from_name(const std::string& file_name);

}  // namespace mkata::artifacts
