// `node down`: undo everything a node did to the host, in the only safe order, from the ledger and
// from what the kernel still shows — so it works after a clean run, after a failed `node up`, and
// after a kill -9 of mkata in the middle of a validation.
//
// Order (LAB-NOTES.md: shims and pods outlive containerd, so pods go first):
//  1. every pod sandbox is stopped and removed through CRI (CNI DEL runs, the shims exit); if
//     containerd is gone but pods are not, containerd is started again from its config for this;
//  2. containerd is stopped (SIGTERM, then SIGKILL);
//  3. whatever is left is removed by force: processes in the cgroups the ledger recorded as
//     created by this node (node_cgroup.h; never a process chosen by its command line),
//     mounts under the state dir (rootfs, shm, netns), our nat rules and chains (v4 and v6),
//     CNI cache entries of our network, veths on our bridge and the bridge (if we created it),
//     shim sockets of our pods, our cgroups, and the sysctls are restored;
//  4. the state dir is removed (only once nothing is mounted below it).
// Every step runs even when an earlier one failed; the errors are collected and returned together.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "embedded/containerd_daemon.h"
#include "embedded/ledger.h"
#include "embedded/node_cgroup.h"
#include "embedded/node_options.h"

namespace mkata::embedded {

/// What teardown needs to know, gathered from the ledger (pure; unit-tested).
struct TeardownPlan {
  pid_t containerd_pid = 0;
  unsigned long long containerd_start = 0;  ///< its start time (0: an older ledger)
  std::string containerd_program;           ///< the program that ran ("": an older ledger)
  std::vector<CgroupDir> cgroups;           ///< the cgroups this node created
  std::vector<std::string> pod_ids;                          ///< recorded pods
  std::vector<std::pair<std::string, std::string>> sysctls;  ///< key → value before the node
  bool delete_bridge = false;  ///< the bridge did not exist before the node
  std::vector<std::string> runtime_roots;
  std::vector<std::string> directories;  ///< created above the state dir, deepest first
};

/// Folds the ledger into a plan: the first recorded "before" of a sysctl or bridge wins (a
/// later up after a crash must not mistake our own change for the host's original state).
TeardownPlan plan_teardown(const std::vector<HostChange>& changes);

/// What teardown found and did, for `node down` to print.
struct TeardownSummary {
  bool was_running = false;         ///< the state dir held a node (a ledger)
  int pods_removed = 0;             ///< through CRI
  std::vector<std::string> forced;  ///< leftovers removed by force ("2 processes", ...)
};

/// How much of the state dir goes at the end.
enum class TeardownScope {
  kEverything,  ///< the state dir and the parents the node created (`node down`, validate)
  kKeepLock,    ///< all but <state>/node.lock, which the caller holds (`up` after a crash)
};

/// Tears the node down (see above). A directory without a ledger is not a node: nothing is done
/// and was_running is false. `daemon`, when given, is the in-process containerd of this
/// node (stopped through it, so it is reaped). The caller holds the node's lock. Error lists
/// every step that failed: "node down <state dir>: remove cgroup ...: Device or resource busy".
Result<TeardownSummary> teardown_node(const NodeLayout& layout, ContainerdDaemon* daemon = nullptr,
                                      TeardownScope scope = TeardownScope::kEverything);

/// True when the pid is alive, started at `start_time` (when known: a reused pid started later)
/// and is the containerd of this state dir by exact argv: a program named containerd with the
/// elements "--address" "<state>/containerd.sock" (never a substring: `tail -f <socket>` is not).
bool is_node_containerd(pid_t pid, unsigned long long start_time, const NodeLayout& layout);

/// Processes whose argv carries the node's containerd address as an exact element after
/// "--address" or "-address" (containerd and its shims): for leftovers reports only.
std::vector<pid_t> pids_serving_address(const std::string& address);

/// Pod sandbox ids found on disk under the state dir (CRI sandboxes and runtime-v2 task bundles).
std::vector<std::string> pod_ids_on_disk(const NodeLayout& layout);

/// Everything of this node still present on the host, one line each ("" when clean). Used by
/// `node status` and by the tests' "nothing left behind" assertions.
std::vector<std::string> host_leftovers(const NodeLayout& layout,
                                        const std::vector<std::string>& pod_ids);

}  // namespace mkata::embedded
