// The two mount-namespace tricks the adapters play (LAB-NOTES.md): a process enters a PRIVATE
// mount namespace (propagation slave, so the host's later mounts — container rootfs, netns
// bind mounts — still appear in it, while nothing it mounts or unmounts leaks back), then hides a
// path: crun must not see the hybrid host's /sys/fs/cgroup/unified, runsc must not see
// /proc/sys/net. The namespace dies with the last process in it, so nothing is left to clean up.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::adapters {

/// unshare(CLONE_NEWNS) and make every mount a slave of the host's. Needs CAP_SYS_ADMIN.
Result<void> enter_private_mount_namespace();

/// Mounts an empty read-only tmpfs over `path` (in the current mount namespace).
Result<void> cover_with_empty_tmpfs(const std::string& path);

/// Detaches the mount at `path` (in the current mount namespace).
Result<void> detach_mount(const std::string& path);

/// From /proc/self/mountinfo text: the cgroup2 mount points strictly BELOW /sys/fs/cgroup (the
/// hybrid layout's "unified" mount). A pure cgroup v2 host (cgroup2 AT /sys/fs/cgroup) and a
/// pure v1 host give none.
std::vector<std::string> hybrid_cgroup2_mounts(const std::string& mountinfo);

}  // namespace mkata::adapters
