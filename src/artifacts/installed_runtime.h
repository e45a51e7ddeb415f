// What installing a runtime produced, in the terms the next step needs: the handler wiring
// (install issue) reads shim_path, runtime_type and config_path; the CLI prints the summary.
// Shared by the Kata and gVisor installers, together with the step both end with: recording the
// placement in the runtime's manifest.
#pragma once

#include <string>
#include <vector>

#include "artifacts/install_manifest.h"
#include "artifacts/prefix_install.h"
#include "core/error.h"

namespace mkata::artifacts {

/// The outcome of install_kata_release() / install_gvisor_release().
struct InstalledRuntime {
  std::string runtime;             ///< "kata" or "gvisor"
  std::string version;             ///< from the archive name or `runsc --version`; "unknown" if not
  std::string source;              ///< file, URL, directory, or "debian package runsc <version>"
  std::string digest;              ///< "sha256:<hex>" of a verified archive; "" when not verified
  bool verified = false;           ///< every downloaded/read file matched its published checksum
  bool from_distribution = false;  ///< Debian's package: mkata installed nothing
  std::string prefix;              ///< where the files went ("" for the distribution package)
  std::string runtime_type;        ///< containerd runtime_type for the handler
  std::string shim_path;           ///< the containerd shim ("" when the handler uses runc's shim)
  std::string binary_path;         ///< kata-runtime / runsc
  std::string config_path;         ///< Kata's default ConfigPath for the handler's options
  std::string manifest_path;       ///< "" for the distribution package
  std::vector<std::string> added, replaced, unchanged, removed_stale, kept_stale;
  std::vector<std::string> notes;  ///< things the user should know (missing kernel, ...)
  /// True when this run changed the disk (false: an identical re-install).
  bool changed = false;
};

/// The identity of an install, for its manifest.
struct InstallRecord {
  std::string runtime, version, source, source_digest, prefix;
};

/// Saves the manifest for a placement (keeping the previous one, with its installed_at, when
/// nothing changed and it was not recovered from a journal) and copies the placement's lists
/// into result. The installers call it as place_tree()'s commit, so that a manifest that cannot
/// be written undoes the placement.
Result<void> record_placement(const Placement& placement, const InstallRecord& record,
                              const InstallManifest* previous, const std::string& manifest_path,
                              InstalledRuntime& result);

/// The lines `mkata install --runtime kata|gvisor --from ...` prints (see
/// docs/runtime-archives.md), each ending in '\n'.
std::string render_install_summary(const InstalledRuntime& installed);

/// The lines `mkata uninstall --runtime ... --purge` prints.
std::string render_purge_summary(const PurgeResult& purge);

/// The same results as JSON objects for --json (field names as in the structs).
std::string install_summary_json(const InstalledRuntime& installed);
std::string purge_summary_json(const PurgeResult& purge);

}  // namespace mkata::artifacts
