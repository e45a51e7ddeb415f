// Moving a verified, unpacked staging tree into its install prefix, and recording it. This is
// the only step that writes to the prefix, and it runs after every checksum has passed. Each
// file and symlink appears at its final path by rename(2), so a reader (containerd starting a
// shim) sees the old file or the new one, never a partial one. The step is idempotent: a file
// whose bytes and mode already match is left alone and reported unchanged. It never overwrites
// what it cannot account for: a path that exists and is neither identical nor an untouched file
// of the previous install (per the manifest) is a conflict, reported before anything moves,
// unless `force` is set. Files of the previous install that the new tree no longer has are
// removed when untouched.
//
// Placement is a transaction. Before the first write to the prefix, a journal (the union of the
// previous manifest and everything about to be placed, "<manifest>.pending") is written; every
// change is then recorded in memory with how to undo it (a replaced or removed file is first
// hard-linked, or copied, into a backup directory beside the staging tree). Once every path is
// in place, `commit` records the result (the manifest); if anything fails before commit has
// succeeded — a write (ENOSPC), a rename, the manifest itself — every change is undone in
// reverse order and the prefix is exactly as it was, file for file. If the process is killed
// (SIGKILL, power loss) in between, the journal is left: the next install or purge reads it
// merged with the manifest (load_manifest_with_journal), so what the killed run placed is known
// to be mkata's and is completed or removed, never orphaned.
#pragma once

#include <functional>
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
  /// The journal written before the prefix is touched ("" = none); removed once commit has
  /// succeeded or everything was rolled back.
  std::string journal_path{};
  std::string runtime{};  ///< for the journal ("kata", "gvisor")
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

/// Records a finished placement (writes the manifest). Called with every path in place; when it
/// fails, place_tree() rolls the placement back and returns its error.
using CommitPlacement = std::function<Result<void>(const Placement&)>;

/// Places staged_root's files, symlinks and directories under prefix, then calls commit (when
/// given). Errors: a conflict (nothing was moved): "install into <prefix>: <N> path(s) in the way
/// (not installed by mkata, or modified since): <path>, ...; move them away or use --force"; a
/// staged name that is not valid UTF-8 (nothing was moved); an OS error naming the path
/// ("install into <prefix>: write <path>: No space left on device"), or commit's error, after
/// which every change was undone. Should undoing fail too, the error says what was left, and the
/// journal stays for the next install or purge.
Result<Placement> place_tree(const PlaceOptions& options, const CommitPlacement& commit = {});

}  // namespace mkata::artifacts
