// See mount_namespace.h.
#include "adapters/mount_namespace.h"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>

#include "core/strings.h"

namespace mkata::adapters {

Result<void> enter_private_mount_namespace() {
  if (unshare(CLONE_NEWNS) != 0) return fail(Error::from_errno("unshare mount namespace", errno));
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    return fail(Error::from_errno("make / a recursive slave mount", errno));
  }
  return {};
}

Result<void> cover_with_empty_tmpfs(const std::string& path) {
  if (mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "size=4k,mode=0555") != 0) {
    return fail(Error::from_errno("mount read-only tmpfs over " + path, errno));
  }
  return {};
}

Result<void> detach_mount(const std::string& path) {
  if (umount2(path.c_str(), MNT_DETACH) != 0) {
    return fail(Error::from_errno("unmount " + path, errno));
  }
  return {};
}

std::vector<std::string> hybrid_cgroup2_mounts(const std::string& mountinfo) {
  // mountinfo: "id parent maj:min root mountpoint options [optional...] - fstype source super"
  std::vector<std::string> found;
  for (const auto& line : split(mountinfo, '\n')) {
    auto fields = split(line, ' ');
    if (fields.size() < 7) continue;
    size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash + 1 >= fields.size() || fields[dash + 1] != "cgroup2") continue;
    const std::string& mount_point = fields[4];
    if (mount_point.starts_with("/sys/fs/cgroup/")) found.push_back(mount_point);
  }
  return found;
}

}  // namespace mkata::adapters
