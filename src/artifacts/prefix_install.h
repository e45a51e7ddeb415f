// Moving a verified, unpacked staging tree into its install prefix, and recording it. This is
// the only step that writes to the prefix, and it runs after every checksum has passed. Each
// file and symlink appears at its final path by rename(2), so a reader (containerd starting a
// shim) sees the old file or the new one, never a partial one. The step is idempotent: a file
// whose bytes and mode already match is left alone and reported unchanged. It never overwrites
// what it cannot account for: a path that exists and is neither identical nor an untouched file
// of the previous install (per the manifest) is a conflict, reported before anything moves,
// unless `force` is set. Files of the previous install that the new tree no longer has are
// removed when untouched. If the process dies between two renames, the prefix holds a mix of
// old and new files (each one whole) and no new manifest; running the install again completes
// it, since files already in place are adopted as unchanged.
#pragma once

#include <string>
#include <vector>

#include "artifacts/install_manifest.h"
#include "core/error.h"

namespace mkata::artifacts {

/// What to place where.
struct PlaceOptions {
  std::string staged_root;                    ///< directory whose contents map onto prefix
  std::string prefix;                         ///< absolute install prefix, created when missing
  const InstallManifest* previous = nullptr;  ///< the manifest of the last install, if any
  bool force = false;                         ///< replace conflicting paths instead of failing
};

/// What placing did. Paths are absolute.
struct Placement {
  std::vector<ManifestEntry> entries;      ///< every installed file/symlink (for the manifest)
  std::vector<std::string> directories;    ///< directories mkata created (this or a past run)
  std::vector<std::string> added;          ///< new paths
  std::vector<std::string> replaced;       ///< paths whose content changed
  std::vector<std::string> unchanged;      ///< already identical
  std::vector<std::string> removed_stale;  ///< previous install's files the new tree dropped
  std::vector<std::string> kept_stale;     ///< ... that were modified, so kept
  std::vector<std::string> created_directories;  ///< by this run
  bool changed() const {
    return !added.empty() || !replaced.empty() || !removed_stale.empty() ||
           !created_directories.empty();
  }
};

/// Places staged_root's files, symlinks and directories under prefix. Errors: a conflict
/// (nothing was moved): "install into <prefix>: <N> path(s) in the way (not installed by mkata,
/// or modified since): <path>, ...; move them away or use --force"; an OS error naming the
/// path (the prefix may then hold some of the new files, each complete).
Result<Placement> place_tree(const PlaceOptions& options);

}  // namespace mkata::artifacts
