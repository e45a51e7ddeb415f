// See output_path.h.
#include "core/output_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mkata {

namespace {

// Can a new file be created in dir? An unnamed O_TMPFILE proves it without leaving a name.
Result<void> check_directory_writable(const std::string& what, const std::string& path,
                                      const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return fail(Error(what + " " + path + ": the directory " + dir + " does not exist")
                      .with_hint("create it first (mkdir -p " + dir + ") or name another file"));
    }
    return fail(Error::from_errno(what + " " + path + ": cannot write in " + dir, errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return fail(Error(what + " " + path + ": " + dir + " is not a directory"));
  }
  int fd = open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    close(fd);
    return {};
  }
  int err = errno;
  if (err == EOPNOTSUPP || err == EISDIR || err == EINVAL) {  // no O_TMPFILE here
    if (access(dir.c_str(), W_OK | X_OK) == 0) return {};
    err = errno;
  }
  return fail(Error::from_errno(what + " " + path + ": cannot write in " + dir, err));
}

}  // namespace

Result<void> check_output_path(const std::string& what, const std::string& path) {
  if (path == "-") return {};
  if (path.empty()) return fail(Error::usage(what + ": needs a file name ('-' for stdout)"));
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {};  // written in place
    if (S_ISDIR(st.st_mode)) return fail(Error(what + " " + path + ": is a directory"));
    if (!S_ISREG(st.st_mode)) return fail(Error(what + " " + path + ": not a regular file"));
  } else if (errno != ENOENT) {
    return fail(Error::from_errno(what + " " + path, errno));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return check_directory_writable(what, path, dir.empty() ? "." : dir);
}

}  // namespace mkata
