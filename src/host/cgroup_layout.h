// The cgroup layout decides which runtimes can manage resources: v1 (only cgroup v1
// hierarchies), v2 (one unified cgroup2 hierarchy) or hybrid (v1 hierarchies plus a cgroup2
// mount, usually /sys/fs/cgroup/unified). crun refuses a hybrid layout whose cgroup2 mount lists
// controllers in cgroup.controllers ("cgroups in hybrid mode not supported, drop all controllers
// from cgroupv2"), which is why the report names them (see LAB-NOTES.md).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// The cgroup layout and the hybrid-mode detail crun cares about.
struct CgroupLayout {
  std::string layout = "unknown";    ///< "v1", "v2", "hybrid" or "unknown"
  std::string cgroup2_mount;         ///< mount point of the cgroup2 hierarchy, "" when none
  std::vector<std::string> cgroup2_controllers;  ///< its cgroup.controllers
  std::vector<Evidence> evidence;
};

/// Derives the layout from the text of /proc/self/mountinfo (or /proc/mounts, whose fields
/// differ; `mountinfo` says which it is). Controllers are not read here.
CgroupLayout parse_cgroup_mounts(const std::string& text, bool mountinfo);

/// Reads /proc/self/mountinfo (falling back to /proc/mounts) and the cgroup2 mount's
/// cgroup.controllers through root. Error when neither mount table can be read.
Result<CgroupLayout> probe_cgroups(const HostRoot& root);

}  // namespace mkata::host
