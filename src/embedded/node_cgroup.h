// The node's own cgroups. Teardown kills processes and removes cgroups, so what it may touch must
// be exactly what this node made: at `up` mkata creates <kCgroupPrefix>/<network> (and the
// shared /mkata prefix when it is missing) in every cgroup hierarchy itself, records each
// directory in the ledger right after its mkdir succeeded (mkdir is atomic: EEXIST proves it is
// not ours, so an existing cgroup is never adopted), and starts containerd inside
// <node cgroup>/containerd of one "tracking" hierarchy (the cgroup2 one when there is one). Shims,
// runsc sandboxes and adapters inherit it, and runc/crun put the pods below the node cgroup (it is
// their cgroup_parent), so "every process of the node" is "every process below the cgroups the
// ledger recorded" — no command line is ever matched, and a name can never reach /sys/fs/cgroup
// itself. A crash between a mkdir and its ledger line leaves one empty cgroup behind, which the
// next `up` refuses to adopt (the error names it); that is the safe side of the trade.
//
// Every function takes the cgroupfs mount root so unit tests can run against a fake tree.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "embedded/ledger.h"
#include "embedded/node_options.h"

namespace mkata::embedded {

inline constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

/// One cgroup directory: the hierarchy's mount point and the path inside it ("/mkata/mk-node0").
struct CgroupDir {
  std::string hierarchy;
  std::string path;
  std::string full() const { return hierarchy + path; }
  bool operator==(const CgroupDir&) const = default;
};

/// The mounted hierarchies below `mount_root`: the root alone on a pure cgroup2 host, else every
/// directory (not symlink) that holds a cgroup.procs (v1 controllers, name=systemd, unified).
std::vector<std::string> cgroup_hierarchies(const std::string& mount_root = kCgroupRoot);

/// The hierarchy containerd is placed in: the cgroup2 one (root or "unified") if any, else the
/// first. nullopt when there is no hierarchy at all.
std::optional<std::string> tracking_hierarchy(const std::vector<std::string>& hierarchies);

/// Creates the node's cgroups in every hierarchy and records each in `ledger` (kChangeCgroup,
/// name = path, detail = hierarchy) right after creating it; in cpuset hierarchies the new
/// directories get their parent's cpus and mems. Error when the node cgroup already exists
/// anywhere (nothing further is created):
/// "cgroup /sys/fs/cgroup/pids/mkata/mk-node0 already exists and this node did not create it".
Result<void> create_node_cgroups(const NodeLayout& layout, const Ledger& ledger,
                                 const std::string& mount_root = kCgroupRoot);

/// The cgroup.procs file containerd joins: <tracking>/<node cgroup>/containerd/cgroup.procs
/// ("" when there is no hierarchy). The "containerd" child keeps the node cgroup itself free of
/// processes, as cgroup2 requires of a parent with controllers enabled.
std::string containerd_cgroup_procs(const NodeLayout& layout,
                                    const std::string& mount_root = kCgroupRoot);

/// Creates that "containerd" child if missing (it lies inside our own node cgroup).
Result<void> make_containerd_cgroup(const NodeLayout& layout,
                                    const std::string& mount_root = kCgroupRoot);

/// The cgroups a ledger says this node created, in ledger order.
std::vector<CgroupDir> recorded_cgroups(const std::vector<HostChange>& changes);

/// Processes in the recorded node cgroups or below (never the shared prefix's own tasks).
std::vector<pid_t> pids_in_node_cgroups(const std::vector<CgroupDir>& cgroups);

/// Removes the recorded node cgroups with everything below them (deepest first), then the
/// shared prefix where it was recorded and is empty (another node may still use it). Missing is
/// fine. Error names the first cgroup that could not be removed.
Result<void> remove_node_cgroups(const std::vector<CgroupDir>& cgroups);

}  // namespace mkata::embedded
