// The host-side state a node can leave behind, found and removed through the kernel's own views
// (/proc, /proc/self/mountinfo, /sys/fs/cgroup, /var/lib/cni) rather than through our memory of
// it, so that cleanup also works after a crash. Each function finds or removes one kind of thing
// and is idempotent. The same finders let tests assert "nothing left".
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::embedded {

/// Processes (other than this one) whose command line contains `needle`. For tests and
/// diagnostics only: teardown never chooses what to kill by a command line (node_cgroup.h).
std::vector<pid_t> pids_mentioning(const std::string& needle);

/// Processes inside the cgroup `parent` (e.g. "/mkata/mk-node0") or below it, in any hierarchy
/// (for leftovers reports; teardown kills only in the cgroups its ledger recorded).
std::vector<pid_t> pids_in_cgroup(const std::string& parent);

/// A process's argv (empty when it is gone or a kernel thread).
std::vector<std::string> process_argv(pid_t pid);

/// A process's start time (/proc/<pid>/stat field 22, clock ticks after boot); 0 when gone.
/// Together with the pid it names one process for good: a reused pid has a later start time.
unsigned long long process_start_time(pid_t pid);

/// True when pid no longer exists or is a zombie.
bool process_gone(pid_t pid);

/// Sends `signal` to each pid, then waits until all are gone or the timeout passes. Returns the
/// ones still alive.
std::vector<pid_t> kill_and_wait(const std::vector<pid_t>& pids, int signal,
                                 std::chrono::milliseconds timeout);

/// Mount points at or under `dir` (from /proc/self/mountinfo), deepest first.
std::vector<std::string> mounts_under(const std::string& dir);

/// Detaches (MNT_DETACH) every mount at or under `dir`. Error names the first that failed.
Result<void> unmount_under(const std::string& dir);

/// Cgroup directories named `parent` (e.g. "/mkata/mk-node0") that exist, in any hierarchy.
std::vector<std::string> cgroup_dirs(const std::string& parent);

/// Files of /var/lib/cni/results (or `dir`) that belong to `network`: exactly
/// "<network>-<64 hex container id>-<ifname>" (so network "mk" never takes "mk-node0"'s).
std::vector<std::string> cni_cache_entries(const std::string& network,
                                           const std::string& dir = "/var/lib/cni/results");

/// Removes those files.
Result<void> remove_cni_cache(const std::string& network,
                              const std::string& dir = "/var/lib/cni/results");

/// Everything of a node in the CNI cache: its network's entries plus the entries of CRI's own
/// loopback network for its pods ("cni-loopback-<pod id>-lo"). CNI DEL removes the latter only
/// when a pod is stopped through CRI, so a killed run leaves them behind (seen here).
std::vector<std::string> node_cni_cache_entries(const std::string& network,
                                                const std::vector<std::string>& pod_ids,
                                                const std::string& dir = "/var/lib/cni/results");

/// Removes node_cni_cache_entries().
Result<void> remove_node_cni_cache(const std::string& network,
                                   const std::vector<std::string>& pod_ids,
                                   const std::string& dir = "/var/lib/cni/results");

/// True when a network interface of that name exists.
bool link_exists(const std::string& name);

/// Names of interfaces enslaved to `bridge`.
std::vector<std::string> links_of_bridge(const std::string& bridge);

/// Deletes a network interface (missing is fine).
Result<void> delete_link(const std::string& name);

/// Reads /proc/sys/<key with dots as slashes>, trimmed.
Result<std::string> read_sysctl(const std::string& key);
/// Writes it.
Result<void> write_sysctl(const std::string& key, const std::string& value);

/// The socket containerd 1.6's shim for `id` listens on:
/// /run/containerd/s/<hex sha256(address/namespace/id)> (runtime/v2/shim/util_unix.go).
std::string shim_socket_path(const std::string& containerd_address, const std::string& ns,
                             const std::string& id);

/// Removes our CNI rules and chains from the nat table of iptables ("iptables") or ip6tables
/// ("ip6tables"). A missing tool or table is not an error (nothing can be left there).
Result<void> clean_nat_table(const std::string& tool, const std::string& network,
                             const std::vector<std::string>& pod_ids);

/// The rules and chains clean_nat_table() would remove (for tests and `status`).
std::vector<std::string> nat_leftovers(const std::string& tool, const std::string& network,
                                       const std::vector<std::string>& pod_ids);

}  // namespace mkata::embedded
