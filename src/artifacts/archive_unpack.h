// Unpacking release archives safely. A release tarball is outside input: one crafted entry
// ("../../etc/cron.d/x", a symlink to /etc followed by a file through it, a device node) would
// let an archive write anywhere as root. So every entry is checked *before* libarchive writes it,
// with our own rules rather than the extracting process's working directory:
//   - paths are relative, with no ".." component, and lie under the expected root (e.g.
//     "opt/kata"); its ancestors may appear as directory entries;
//   - symlink and hardlink targets, resolved lexically from the link's directory, stay under
//     that root (absolute symlink targets are refused);
//   - only regular files, directories, symlinks and hardlinks: device nodes, FIFOs and sockets
//     are refused;
//   - permission bits are kept, setuid/setgid/sticky are dropped, ownership is not restored (the
//     files belong to the installing user, root).
// libarchive's own SECURE_SYMLINKS/SECURE_NODOTDOT checks stay on as a second line of defence.
// Formats: tar (ustar, pax, GNU) with any compression libarchive has (xz, gzip, zstd, bzip2).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace mkata::artifacts {

/// Where entries may go.
struct UnpackOptions {
  /// Entries must lie under this relative directory ("opt/kata"); empty = anywhere in the
  /// archive. Link targets must stay under it too.
  std::string root;
  /// How errors name the archive ("unpack <display_name>: ..."); empty = its path. The
  /// installers pass what the user typed (the URL), not the staging copy's path.
  std::string display_name;
};

/// What was unpacked.
struct UnpackSummary {
  size_t files = 0;
  size_t directories = 0;
  size_t symlinks = 0;
  size_t hardlinks = 0;
  size_t special_bits_dropped = 0;  ///< entries whose setuid/setgid/sticky bits were removed
};

/// The normalised form of an archive entry path ("./opt//kata/./bin" → "opt/kata/bin"; "" for
/// the archive root). Errors (the entry is refused):
/// "refuse archive entry '/etc/x': absolute path",
/// "refuse archive entry '../../etc/x': path contains '..'".
Result<std::string> normalize_entry_path(std::string_view name);

/// Checks a link entry at entry_path (as written in the archive, already free of ".."). For a
/// symlink, target is resolved from entry_path's directory; for a hardlink it is an archive path.
/// Error: "refuse archive entry '<entry>': symlink target '<target>' escapes the install prefix"
/// (or "hardlink target ...").
Result<void> check_link_target(const std::string& entry_path, std::string_view target,
                               bool hardlink, const std::string& root);

/// Unpacks archive_path into dest_dir (which must exist), refusing unsafe entries as above.
/// Errors are prefixed "unpack <display_name or archive_path>: ". On error, dest_dir may hold
/// part of the archive: the caller unpacks into a staging directory that it removes.
Result<UnpackSummary> unpack_archive(const std::string& archive_path, const std::string& dest_dir,
                                     const UnpackOptions& options = {});

}  // namespace mkata::artifacts
