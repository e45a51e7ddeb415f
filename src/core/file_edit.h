// One edit of a file that belongs to the user (a containerd config, a template, daemon.json,
// containers.conf, containerd-env): every writer of a user's file goes through FileEdit, so the
// same guarantees hold for all of them.
//
// - Only regular files are read, and at most kMaxEditableFileBytes: `--config /dev/zero` or a FIFO
//   is refused before a byte is read (a FIFO is opened non-blocking), and before any backup.
// - A symlink is followed and its *target* is edited (temp file in the target's directory,
//   renamed over the target); the link itself stays as the user made it, so install and uninstall
//   never turn it into a regular file. (Refusing would break hosts that keep /etc/containerd in a
//   configuration repository and link it; replacing the link leaves the real file stale.)
// - Lost updates: an advisory lock (flock) is held from the read to the rename, so two mkata runs
//   take turns; and because an editor takes no lock, the file's fingerprint (device, inode, size,
//   mtime, SHA-256 of the bytes) is checked again right before the rename. A file that changed in
//   between is an error naming it, and nothing is written.
// - The new file keeps the owner, group, mode and extended attributes (ACLs, SELinux labels) of
//   the one it replaces: a 0640 root:containerd file stays readable by its service.
// - Temp files that a killed run left beside the file (named "<file>.mkata-tmp-XXXXXX", the
//   name write_temp_beside() gives them) are removed at the next open, under the lock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata {

/// The largest file mkata edits (a containerd config is a few KiB; 15 MiB ones exist in tests).
inline constexpr size_t kMaxEditableFileBytes = 64 << 20;

/// What identifies one version of a file's bytes.
struct FileFingerprint {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long mtime_sec = 0;
  long mtime_nsec = 0;
  std::string sha256;  ///< hex digest of the content
  bool operator==(const FileFingerprint&) const = default;
};

/// A user's file, opened and locked for one edit. Moving is allowed; the lock is released by
/// commit(), remove() or destruction.
class FileEdit {
 public:
  /// Opens `path` for an edit: follows a symlink to its target, refuses anything but a regular
  /// file ("read <path>: not a regular file (FIFO)"), takes the lock (waiting up to `lock_wait`:
  /// "<path> is locked by another program (another mkata?); try again when it is done"), reads at
  /// most kMaxEditableFileBytes ("read <path>: the file is larger than 64 MiB (N bytes); mkata
  /// does not edit such a file") and removes temp files of a killed run. An absent file is fine
  /// (exists() == false; its directory is locked instead). A dangling symlink is an error.
  static Result<FileEdit> open(const std::string& path,
                               std::chrono::milliseconds lock_wait = std::chrono::seconds(10));

  FileEdit(FileEdit&& other) noexcept;
  FileEdit& operator=(FileEdit&& other) noexcept;
  FileEdit(const FileEdit&) = delete;
  FileEdit& operator=(const FileEdit&) = delete;
  ~FileEdit();

  const std::string& path() const { return path_; }      ///< as the user named it
  const std::string& target() const { return target_; }  ///< the file that is edited
  bool is_symlink() const { return target_ != path_; }
  bool exists() const { return exists_; }
  const std::string& content() const { return content_; }  ///< "" when absent
  /// Temp files of a killed run that open() removed.
  const std::vector<std::string>& removed_temp_files() const { return removed_temps_; }

  /// Error when the file is no longer what open() read: "<path> changed since mkata read it
  /// (another program wrote it); nothing was written: run mkata again".
  Result<void> check_unchanged() const;

  /// Copies the bytes read to "<target>.mkata-backup" (same owner, group and mode) after
  /// check_unchanged(); returns the backup's path.
  Result<std::string> backup() const;

  /// Replaces the file with `content` after check_unchanged(): temp file beside the target with
  /// the original's owner, group, mode (0644 for a new file) and extended attributes, fsync,
  /// rename, fsync of the directory; then releases the lock. On failure the file is untouched.
  Result<void> commit(const std::string& content);

  /// Removes the file (one that mkata created) after check_unchanged(), and releases the lock.
  Result<void> remove();

 private:
  FileEdit() = default;
  void release();

  std::string path_;
  std::string target_;
  bool exists_ = false;
  std::string content_;
  int fd_ = -1;  ///< the file (exists) or its directory (absent), holding the lock
  uid_t owner_ = 0;
  gid_t group_ = 0;
  mode_t mode_ = 0644;
  FileFingerprint fingerprint_;
  std::vector<std::string> removed_temps_;
};

}  // namespace mkata
