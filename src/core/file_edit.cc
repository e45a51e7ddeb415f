// See file_edit.h. The lock is flock(2) on the file's own descriptor (on its directory while the
// file does not exist yet). Because a committed edit renames a new inode over the path, a run that
// waited for the lock may hold it on the replaced inode: after locking, open() checks that the path
// still names the locked inode, and starts again otherwise.
#include "core/file_edit.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <thread>

#include "core/files.h"
#include "core/strings.h"

namespace mkata {
namespace {

constexpr int kOpenAttempts = 50;
constexpr size_t kTempSuffixLength = 6;  // mkostemp's XXXXXX

std::string dir_of(const std::string& path) {
  std::string copy = path;
  return dirname(copy.data());
}

std::string base_of(const std::string& path) {
  std::string copy = path;
  return basename(copy.data());
}

std::string hex_sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Reads a whole regular file from offset 0, refusing more than kMaxEditableFileBytes.
Result<std::string> read_bounded(int fd, const std::string& what) {
  std::string content;
  char buffer[65536];
  off_t offset = 0;
  while (true) {
    ssize_t n = pread(fd, buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno("read " + what, errno));
    if (n == 0) return content;
    content.append(buffer, static_cast<size_t>(n));
    offset += n;
    if (content.size() > kMaxEditableFileBytes) {
      return fail(Error::usage("read " + what + ": the file is larger than " +
                               std::to_string(kMaxEditableFileBytes >> 20) +
                               " MiB; mkata does not edit such a file"));
    }
  }
}

// Waits for an exclusive flock on fd, polling so that the wait is bounded.
Result<void> lock(int fd, const std::string& what, std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return fail(Error::from_errno("lock " + what, errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error(what + " is locked by another program (another mkata?); try again when "
                               "it is done"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

// Copies every extended attribute (ACLs, SELinux label, user.*) from one descriptor to another.
Result<void> copy_xattrs(int from, int to, const std::string& what) {
  ssize_t size = flistxattr(from, nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP) return {};
    return fail(Error::from_errno("list extended attributes of " + what, errno));
  }
  std::string names(static_cast<size_t>(size), '\0');
  size = flistxattr(from, names.data(), names.size());
  if (size < 0) return fail(Error::from_errno("list extended attributes of " + what, errno));
  names.resize(static_cast<size_t>(size));
  for (size_t pos = 0; pos < names.size();) {
    std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    ssize_t n = fgetxattr(from, name.c_str(), nullptr, 0);
    if (n < 0)
      return fail(Error::from_errno("read extended attribute " + name + " of " + what, errno));
    std::string value(static_cast<size_t>(n), '\0');
    n = fgetxattr(from, name.c_str(), value.data(), value.size());
    if (n < 0)
      return fail(Error::from_errno("read extended attribute " + name + " of " + what, errno));
    if (fsetxattr(to, name.c_str(), value.data(), static_cast<size_t>(n), 0) != 0) {
      return fail(Error::from_errno("keep extended attribute " + name + " of " + what, errno));
    }
  }
  return {};
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

bool is_temp_name(const std::string& name, const std::string& prefix) {
  return name.size() == prefix.size() + kTempSuffixLength && starts_with(name, prefix);
}

// Removes "<file>.mkata-tmp-XXXXXX" and "<file>.mkata-backup.mkata-tmp-XXXXXX" (regular files only)
// beside target: left by a run that was killed between writing its temp file and the rename.
std::vector<std::string> remove_stale_temps(const std::string& target) {
  std::vector<std::string> removed;
  std::string dir = dir_of(target);
  std::string base = base_of(target);
  std::string own = base_of(temp_prefix_of(target));
  std::string backup = base_of(temp_prefix_of(target + ".mkata-backup"));
  DIR* d = opendir(dir.c_str());
  if (!d) return removed;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (!is_temp_name(name, own) && !is_temp_name(name, backup)) continue;
    std::string full = dir + "/" + name;
    struct stat st {};
    if (lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && unlink(full.c_str()) == 0) {
      removed.push_back(full);
    }
  }
  closedir(d);
  return removed;
}

Error changed_error(const std::string& path) {
  return Error(path +
               " changed since mkata read it (another program wrote it); nothing was "
               "written: run mkata again");
}

FileFingerprint fingerprint_of(const struct stat& st, const std::string& content) {
  return {st.st_dev,         st.st_ino,          st.st_size,
          st.st_mtim.tv_sec, st.st_mtim.tv_nsec, hex_sha256(content)};
}

}  // namespace

Result<FileEdit> FileEdit::open(const std::string& path, std::chrono::milliseconds lock_wait) {
  FileEdit edit;
  edit.path_ = path;
  edit.target_ = path;
  struct stat link {};
  if (lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char resolved[PATH_MAX];
    if (!realpath(path.c_str(), resolved)) {
      char to[PATH_MAX] = {};
      ssize_t n = readlink(path.c_str(), to, sizeof to - 1);
      std::string where = n > 0 ? std::string(to, static_cast<size_t>(n)) : "?";
      return fail(Error::usage(path + " is a symlink to " + where +
                               ", which does not exist; mkata edits the file a link points to: "
                               "create it or pass the real file with --config"));
    }
    edit.target_ = resolved;
  }
  std::string what = edit.is_symlink() ? path + " (a link to " + edit.target_ + ")" : path;
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    struct stat st {};
    if (stat(edit.target_.c_str(), &st) != 0) {
      if (errno != ENOENT) return fail(Error::from_errno("read " + what, errno));
      // Absent: lock its directory (when there is one yet) and make sure it is still absent.
      edit.exists_ = false;
      edit.content_.clear();
      int dir = ::open(dir_of(edit.target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0) return edit;  // commit() locks the directory once it was created
      edit.fd_ = dir;
      if (auto ok = lock(dir, what, lock_wait); !ok) return fail(ok.error());
      if (lstat(edit.target_.c_str(), &st) == 0) {
        edit.release();
        continue;
      }
      edit.removed_temps_ = remove_stale_temps(edit.target_);
      return edit;
    }
    if (!S_ISREG(st.st_mode)) {
      return fail(
          Error::usage("read " + what + ": not a regular file (" + file_type_name(st.st_mode) + ")"));
    }
    // O_NONBLOCK: a FIFO swapped in after the stat must not block the open.
    int fd =
        ::open(edit.target_.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return fail(Error::from_errno("read " + what, errno));
    edit.fd_ = fd;
    struct stat locked {};
    if (fstat(fd, &locked) != 0) return fail(Error::from_errno("read " + what, errno));
    if (!S_ISREG(locked.st_mode)) {
      return fail(Error::usage("read " + what + ": not a regular file (" +
                               file_type_name(locked.st_mode) + ")"));
    }
    if (static_cast<size_t>(locked.st_size) > kMaxEditableFileBytes) {
      return fail(Error::usage("read " + what + ": the file is larger than " +
                               std::to_string(kMaxEditableFileBytes >> 20) + " MiB (" +
                               std::to_string(locked.st_size) +
                               " bytes); mkata does not edit such a file"));
    }
    if (auto ok = lock(fd, what, lock_wait); !ok) return fail(ok.error());
    // A run that committed while this one waited renamed a new file over the path.
    if (stat(edit.target_.c_str(), &st) != 0 || st.st_ino != locked.st_ino ||
        st.st_dev != locked.st_dev) {
      edit.release();
      continue;
    }
    auto content = read_bounded(fd, what);
    if (!content) return fail(content.error());
    if (fstat(fd, &locked) != 0) return fail(Error::from_errno("read " + what, errno));
    edit.exists_ = true;
    edit.content_ = std::move(*content);
    edit.owner_ = locked.st_uid;
    edit.group_ = locked.st_gid;
    edit.mode_ = locked.st_mode & 07777;
    edit.fingerprint_ = fingerprint_of(locked, edit.content_);
    edit.removed_temps_ = remove_stale_temps(edit.target_);
    return edit;
  }
  return fail(Error(what + " kept being replaced while mkata tried to open it; try again"));
}

FileEdit::FileEdit(FileEdit&& other) noexcept { *this = std::move(other); }

FileEdit& FileEdit::operator=(FileEdit&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    target_ = std::move(other.target_);
    exists_ = other.exists_;
    content_ = std::move(other.content_);
    fd_ = other.fd_;
    other.fd_ = -1;
    owner_ = other.owner_;
    group_ = other.group_;
    mode_ = other.mode_;
    fingerprint_ = std::move(other.fingerprint_);
    removed_temps_ = std::move(other.removed_temps_);
  }
  return *this;
}

FileEdit::~FileEdit() { release(); }

void FileEdit::release() {
  if (fd_ >= 0) close(fd_);  // closing the descriptor drops the flock
  fd_ = -1;
}

Result<void> FileEdit::check_unchanged() const {
  Error changed = changed_error(path_);
  struct stat st {};
  if (!exists_) {
    if (lstat(target_.c_str(), &st) == 0) return fail(changed);
    return {};
  }
  if (stat(target_.c_str(), &st) != 0 || st.st_dev != fingerprint_.device ||
      st.st_ino != fingerprint_.inode) {
    return fail(changed);
  }
  // Same inode: its bytes are readable through the locked descriptor.
  auto now = read_bounded(fd_, path_);
  if (!now || fingerprint_of(st, *now) != fingerprint_) return fail(changed);
  return {};
}

Result<std::string> FileEdit::backup() const {
  if (auto ok = check_unchanged(); !ok) return fail(ok.error());
  std::string backup = target_ + ".mkata-backup";
  auto tmp = write_temp_beside(backup, content_, [&](int fd) -> Result<void> {
    if (fchown(fd, owner_, group_) != 0 || fchmod(fd, mode_) != 0) {
      return fail(Error::from_errno("write " + backup, errno));
    }
    return copy_xattrs(fd_, fd, path_);
  });
  if (!tmp) return fail(tmp.error().wrap("back up " + path_));
  if (rename(tmp->c_str(), backup.c_str()) != 0) {
    int e = errno;
    unlink(tmp->c_str());
    return fail(Error::from_errno("back up " + path_ + ": write " + backup, e));
  }
  fsync_dir(dir_of(backup));
  return backup;
}

Result<void> FileEdit::commit(const std::string& content) {
  std::string what = is_symlink() ? path_ + " (a link to " + target_ + ")" : path_;
  if (fd_ < 0) {
    // The directory did not exist at open(); it does now (or the write fails below).
    int dir = ::open(dir_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return fail(Error::from_errno("write " + path_, errno));
    fd_ = dir;
    if (auto ok = lock(dir, what, std::chrono::seconds(10)); !ok) return fail(ok.error());
  }
  auto tmp = write_temp_beside(target_, content, [&](int fd) -> Result<void> {
    if (!exists_) {
      if (fchmod(fd, 0644) != 0) return fail(Error::from_errno("write " + path_, errno));
      return {};
    }
    if (fchown(fd, owner_, group_) != 0) {
      return fail(Error::from_errno("write " + path_ + ": keep its owner", errno));
    }
    if (fchmod(fd, mode_) != 0) return fail(Error::from_errno("write " + path_, errno));
    return copy_xattrs(fd_, fd, path_);
  });
  if (!tmp) return fail(tmp.error());
  auto discard = [&](Error e) {
    unlink(tmp->c_str());
    return fail(std::move(e));
  };
  // Right before the rename: nobody (mkata or an editor) changed the file since it was read.
  if (auto ok = check_unchanged(); !ok) return discard(ok.error());
  if (exists_) {
    if (rename(tmp->c_str(), target_.c_str()) != 0) {
      return discard(Error::from_errno("write " + path_, errno));
    }
  } else if (renameat2(AT_FDCWD, tmp->c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
    // Never replace a file that appeared meanwhile. link() is the same guarantee where the file
    // system has no RENAME_NOREPLACE.
    if (errno == EEXIST) return discard(changed_error(path_));
    if (errno != EINVAL && errno != ENOSYS)
      return discard(Error::from_errno("write " + path_, errno));
    if (link(tmp->c_str(), target_.c_str()) != 0) {
      int e = errno;
      return discard(e == EEXIST ? changed_error(path_) : Error::from_errno("write " + path_, e));
    }
    unlink(tmp->c_str());
  }
  fsync_dir(dir_of(target_));
  release();
  return {};
}

Result<void> FileEdit::remove() {
  if (auto ok = check_unchanged(); !ok) return fail(ok.error());
  if (unlink(target_.c_str()) != 0) return fail(Error::from_errno("remove " + path_, errno));
  fsync_dir(dir_of(target_));
  release();
  return {};
}

}  // namespace mkata
