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
//   - entry names and link targets are valid UTF-8 (they are recorded in the JSON manifest, and
//     a name that cannot be recorded could never be purged);
//   - permission bits are kept except group/world write and setuid/setgid/sticky, which are
//     dropped: ownership is not restored (the files belong to the installing user, root), so a
//     world-writable binary would let any local user replace what containerd runs as root, and a
//     setuid root binary from a download is a privilege escalation no runtime release needs;
//   - the unpacked size is capped (in total, in entries, and against the archive's own size), so
//     that a small archive cannot fill the disk: a 153 KB xz of zeros unpacks to 1.1 GB.
// libarchive's own SECURE_SYMLINKS/SECURE_NODOTDOT checks stay on as a second line of defence.
// Formats: tar (ustar, pax, GNU) with any compression libarchive has (xz, gzip, zstd, bzip2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace mkata::artifacts {

/// The caps against archive bombs. Defaults: far above any runtime release (a Kata static
/// release is a few hundred MB of xz and unpacks to about 1-2 GB in a few hundred entries).
inline constexpr uint64_t kDefaultMaxUnpackedBytes = 16ull << 30;  // 16 GiB
inline constexpr uint64_t kDefaultMaxUnpackRatio = 50;      // unpacked bytes per archive byte
inline constexpr uint64_t kUnpackRatioFloor = 64ull << 20;  // the ratio applies above 64 MiB
inline constexpr uint64_t kDefaultMaxEntries = 100000;

/// Where entries may go.
struct UnpackOptions {
  /// Entries must lie under this relative directory ("opt/kata"); empty = anywhere in the
  /// archive. Link targets must stay under it too.
  std::string root;
  /// How errors name the archive ("unpack <display_name>: ..."); empty = its path. The
  /// installers pass what the user typed (the URL), not the staging copy's path.
  std::string display_name;
  /// The sum of the entries' sizes may not exceed this.
  uint64_t max_total_bytes = kDefaultMaxUnpackedBytes;
  /// Once past kUnpackRatioFloor, the unpacked bytes may not exceed ratio × the archive's size.
  uint64_t max_ratio = kDefaultMaxUnpackRatio;
  /// At most this many entries (files, directories, links).
  uint64_t max_entries = kDefaultMaxEntries;
};

/// What was unpacked.
struct UnpackSummary {
  size_t files = 0;
  size_t directories = 0;
  size_t symlinks = 0;
  size_t hardlinks = 0;
  size_t special_bits_dropped = 0;  ///< entries whose setuid/setgid/sticky bits were removed
  size_t write_bits_dropped = 0;    ///< entries whose group/world write bits were removed
  uint64_t bytes = 0;               ///< the sum of the files' sizes
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
/// Errors are prefixed "unpack <display_name or archive_path>: ". Names in errors are shown
/// with invalid UTF-8 bytes and control characters escaped as \xNN. Besides the refusals of
/// normalize_entry_path() and check_link_target():
/// "refuse archive entry 'opt/kata/\xff': name is not valid UTF-8",
/// "refuse archive entry 'opt/kata/z': unpacked size would exceed 50 times the archive's size
/// (<n> bytes from an archive of <m> bytes), the cap against archive bombs",
/// "... unpacked size would exceed the cap of 17179869184 bytes ...",
/// "more than 100000 entries, the cap against archive bombs",
/// and write failures name the path and the OS's reason ("write <path>: No space left on
/// device"). On error, dest_dir may hold part of the archive: the caller unpacks into a staging
/// directory that it removes.
Result<UnpackSummary> unpack_archive(const std::string& archive_path, const std::string& dest_dir,
                                     const UnpackOptions& options = {});

}  // namespace mkata::artifacts
