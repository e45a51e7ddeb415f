// See node_lock.h.
#include "embedded/node_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::embedded {

pid_t node_lock_holder(const NodeLayout& layout) {
  auto text = read_file(layout.lock_file);
  if (!text) return 0;
  return static_cast<pid_t>(std::strtol(trim(*text).c_str(), nullptr, 10));
}

Result<NodeLock> NodeLock::acquire(const NodeLayout& layout) {
  const std::string& path = layout.lock_file;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return fail(Error::from_errno("lock node " + layout.options.state_dir, errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      close(fd);
      if (err != EWOULDBLOCK) return fail(Error::from_errno("lock " + path, err));
      // The holder writes its pid right after taking the lock: give it that instant.
      pid_t holder = 0;
      for (int i = 0; i < 10 && holder <= 0; ++i) {
        holder = node_lock_holder(layout);
        if (holder <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::string who = holder > 0 ? "pid " + std::to_string(holder) : "pid unknown";
      return fail(Error("node " + layout.options.state_dir + " is in use by another mkata run (" +
                        who + ")")
                      .with_hint("wait until that run has finished, then try again"));
    }
    // Teardown of the holder we waited on may have unlinked the file: then lock the new one.
    struct stat held {
    }, now{};
    if (fstat(fd, &held) == 0 && stat(path.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
        held.st_dev == now.st_dev) {
      std::string pid = std::to_string(getpid()) + "\n";
      if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        int err = errno;
        close(fd);
        return fail(Error::from_errno("write " + path, err));
      }
      return NodeLock(fd);
    }
    close(fd);
  }
  return fail("lock " + path + ": the file keeps being replaced");
}

void NodeLock::release() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace mkata::embedded
