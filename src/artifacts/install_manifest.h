// The record of what mkata installed for a runtime, so that uninstall --purge removes exactly
// that. One JSON file per runtime, kept OUTSIDE the prefix it describes, in
// /var/lib/mkata/manifests/<runtime>.json: a prefix such as /usr/local/bin is shared with other
// software, and a manifest inside /opt/kata would be deleted by anyone who removes that tree by
// hand. Each file is listed with its sha256 and mode, each symlink with its target, and each
// directory that mkata created (it did not exist before), so that purge can tell "ours and
// untouched" (removed) from "modified since" or "added by the user" (kept, and reported).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace mkata::artifacts {

/// Where manifests live unless an option says otherwise.
inline constexpr const char* kDefaultManifestDir = "/var/lib/mkata/manifests";

/// One installed file or symlink.
struct ManifestEntry {
  std::string path;         ///< absolute path as installed
  bool symlink = false;     ///< true: link_target is set; false: sha256 and mode are set
  std::string sha256;       ///< lower-case hex of the file's bytes
  mode_t mode = 0;          ///< permission bits (no setuid/setgid/sticky)
  std::string link_target;  ///< the symlink's target, as stored in the link
  bool operator==(const ManifestEntry&) const = default;
};

/// Everything mkata installed for one runtime.
struct InstallManifest {
  std::string runtime;                   ///< "kata" or "gvisor"
  std::string version;                   ///< e.g. "3.2.0"; "unknown" when not known
  std::string source;                    ///< the file or URL installed from
  std::string source_digest;             ///< "sha256:<hex>" of the archive, or "" when unverified
  std::string prefix;                    ///< the install prefix ("/opt/kata")
  std::string installed_at;              ///< UTC, RFC 3339
  std::vector<ManifestEntry> files;      ///< sorted by path
  std::vector<std::string> directories;  ///< created by mkata, sorted
  /// Not stored: true when this was merged with the journal of an interrupted install (so the
  /// manifest on disk, if any, is behind and must be rewritten).
  bool recovered = false;
  bool operator==(const InstallManifest&) const = default;
};

/// "<manifest_dir>/<runtime>.json".
std::string manifest_path_for(const std::string& runtime,
                              const std::string& manifest_dir = kDefaultManifestDir);

/// "<manifest_path>.pending": the journal place_tree() writes before touching the prefix and
/// removes once the manifest is written (or everything was undone). Found after a kill.
std::string journal_path_for(const std::string& manifest_path);

/// The JSON text (schema 1, pretty-printed, stable order). Never throws: a string that is not
/// valid UTF-8 (which the installers refuse before they get here) is written with U+FFFD.
std::string manifest_to_json(const InstallManifest& manifest);

/// Parses manifest JSON. Error naming the source: "<source>: not an mkata manifest: <why>".
Result<InstallManifest> parse_manifest(std::string_view json, const std::string& source);

/// Loads a manifest; nullopt when the file does not exist.
Result<std::optional<InstallManifest>> load_manifest(const std::string& path);

/// Loads a manifest merged with the journal of an interrupted install beside it, when there is
/// one: for each path, the entry (old or new) that matches the disk, else the manifest's; the
/// directories of both. The result is marked `recovered`. nullopt when neither exists.
Result<std::optional<InstallManifest>> load_manifest_with_journal(const std::string& path);

/// Every manifest in manifest_dir (what mkata installed, for `mkata check` to report versions),
/// sorted by runtime; empty when the directory does not exist. A broken manifest is an error.
Result<std::vector<InstallManifest>> load_all_manifests(
    const std::string& manifest_dir = kDefaultManifestDir);

/// Writes a manifest atomically, creating its directory.
Result<void> save_manifest(const std::string& path, const InstallManifest& manifest);

/// How an installed entry looks on disk now.
enum class EntryState { kIntact, kModified, kMissing };

/// Compares an entry with the disk: bytes (files) or target (symlinks); a path that is now of
/// another type counts as modified.
EntryState entry_state(const ManifestEntry& entry);

/// What purge did; every path is absolute.
struct PurgeResult {
  std::string runtime;
  std::string manifest_path;
  std::vector<std::string> removed;              ///< files and symlinks removed
  std::vector<std::string> kept_modified;        ///< changed since install: kept
  std::vector<std::string> missing;              ///< already gone
  std::vector<std::string> removed_directories;  ///< created by mkata, now empty: removed
  std::vector<std::string> kept_directories;     ///< created by mkata but not empty: kept
  std::vector<std::string> kept_foreign;         ///< what keeps them: files mkata did not install
  /// True when something of ours was kept: the manifest then lists only those kept files and
  /// directories (so that a later purge can finish the job); false when it was removed.
  bool manifest_kept = false;
};

/// Removes the files of the manifest (merged with the journal of an interrupted install, if
/// any) whose bytes (or link target) still match, then the directories mkata created that are
/// now empty. Files modified since install and files the
/// user added are kept and listed. The manifest (and journal) is removed when nothing of ours is
/// left; otherwise it is rewritten to list only what was kept. Errors: no manifest ("no manifest at
/// <path>: mkata did not install <runtime> (nothing to purge)"), a manifest for another runtime,
/// or a failed unlink ("remove <path>: <strerror>", after which the manifest is kept).
Result<PurgeResult> purge_runtime(const std::string& runtime, const std::string& manifest_path);

}  // namespace mkata::artifacts
