// See files.h. The temp file lives in the target's directory so that rename() is atomic (same
// file system) and so that a leftover temp file is visible next to the file it belongs to.
#include "core/files.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

namespace mkata {
namespace {

std::optional<size_t> g_fail_after;

// Writes all of content to an open descriptor, retrying short writes.
bool write_all(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string dir_of(const std::string& path) {
  std::vector<char> copy(path.begin(), path.end());
  copy.push_back('\0');
  return dirname(copy.data());
}

}  // namespace

std::string file_type_name(mode_t mode) {
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISDIR(mode)) return "directory";
  return "special file";
}

namespace testing {
void fail_atomic_writes_after(std::optional<size_t> bytes) { g_fail_after = bytes; }
}  // namespace testing

Result<std::string> read_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("read " + path, errno));
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return fail(Error::from_errno("read " + path, e));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string temp_prefix_of(const std::string& path) { return path + ".mkata-tmp-"; }

Result<std::string> write_temp_beside(const std::string& path, const std::string& content,
                                      const std::function<Result<void>(int fd)>& prepare) {
  std::string tmp = temp_prefix_of(path) + "XXXXXX";
  std::vector<char> tmpl(tmp.begin(), tmp.end());
  tmpl.push_back('\0');
  int fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("write " + path, errno));
  tmp = tmpl.data();
  auto abort_with = [&](int e) {
    close(fd);
    unlink(tmp.c_str());
    return fail(Error::from_errno("write " + path, e));
  };
  size_t done = 0;
  while (done < content.size()) {
    size_t chunk = content.size() - done;
    if (g_fail_after) {
      if (done >= *g_fail_after) return abort_with(ENOSPC);
      chunk = std::min(chunk, *g_fail_after - done);
    }
    ssize_t n = write(fd, content.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return abort_with(errno);
    }
    done += static_cast<size_t>(n);
  }
  if (g_fail_after && done >= *g_fail_after && !content.empty()) return abort_with(ENOSPC);
  if (auto ok = prepare(fd); !ok) {
    close(fd);
    unlink(tmp.c_str());
    return fail(ok.error());
  }
  if (fsync(fd) != 0) return abort_with(errno);
  if (close(fd) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return fail(Error::from_errno("write " + path, e));
  }
  return tmp;
}

Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               std::optional<mode_t> mode) {
  mode_t final_mode = 0644;
  struct stat st {};
  bool exists = stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    return fail("write " + path + ": not a regular file (" + file_type_name(st.st_mode) + ")");
  }
  if (mode) {
    final_mode = *mode;
  } else if (exists) {
    final_mode = st.st_mode & 07777;
  }
  auto tmp = write_temp_beside(path, content, [&](int fd) -> Result<void> {
    if (fchmod(fd, final_mode) != 0) return fail(Error::from_errno("write " + path, errno));
    return {};
  });
  if (!tmp) return fail(tmp.error());
  if (rename(tmp->c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp->c_str());
    return fail(Error::from_errno("write " + path, e));
  }
  int dir = open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return {};
}

Result<void> write_output_file(const std::string& path, const std::string& content) {
  struct stat st {};
  bool in_place = path == "-" ||
                  (stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)));
  if (!in_place) return write_file_atomic(path, content);
  int fd = path == "-" ? dup(STDOUT_FILENO) : open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("write " + path, errno));
  bool ok = write_all(fd, content);
  int e = errno;
  close(fd);
  if (!ok) return fail(Error::from_errno("write " + path, e));
  return {};
}

Result<std::string> backup_file(const std::string& path) {
  auto content = read_file(path);
  if (!content) return fail(content.error().wrap("back up " + path));
  std::string backup = path + ".mkata-backup";
  struct stat st {};
  std::optional<mode_t> mode;
  if (stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  if (auto w = write_file_atomic(backup, *content, mode); !w) {
    return fail(w.error().wrap("back up " + path));
  }
  return backup;
}

Result<void> make_directories(const std::string& path) {
  if (path.empty()) return {};
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string part = path.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      return fail(Error::from_errno("create directory " + part, errno));
    }
  }
  return {};
}

}  // namespace mkata
