// One mkata run per node at a time. Two `validate`/`node up`/`node down` runs on the same state
// dir used to destroy each other's pods and containerd (and one then reported a false failure).
// Every run that changes a node holds flock(2) on <state>/node.lock for its whole life; flock is
// released by the kernel when the holder exits, even on kill -9, so a crash never leaves a stale
// lock. The holder's pid is written into the file so that the second run can name it.
//
// The file lives inside the state dir, which teardown removes: a lock is only valid while its
// file is still the one at the path, so acquire() re-checks the inode after flock succeeds.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

#include "core/error.h"
#include "embedded/node_options.h"

namespace mkata::embedded {

/// The held lock of one node. Move-only; released when destroyed (or when the process exits).
class NodeLock {
 public:
  /// Creates <state>/node.lock (0600) if missing, takes it without waiting and writes this
  /// process's pid into it. The state dir must exist. Error (environment, exit 2):
  /// "node /var/lib/mkata/node is in use by another mkata run (pid 1234)" with a hint.
  static Result<NodeLock> acquire(const NodeLayout& layout);

  NodeLock(NodeLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  NodeLock& operator=(NodeLock&& other) noexcept {
    if (this != &other) {
      release();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  NodeLock(const NodeLock&) = delete;
  NodeLock& operator=(const NodeLock&) = delete;
  ~NodeLock() { release(); }

 private:
  explicit NodeLock(int fd) : fd_(fd) {}
  void release();
  int fd_ = -1;
};

/// The pid written into a node's lock file (0 when there is none).
pid_t node_lock_holder(const NodeLayout& layout);

}  // namespace mkata::embedded
