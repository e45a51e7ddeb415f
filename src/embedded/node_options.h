// What identifies one embedded node on a host: its state directory and the few host-wide names it
// must own exclusively (the CNI network name, the bridge, the subnet, the cgroup parent). Several
// nodes can run side by side (tests, other tools) as long as these differ; everything else lives
// under the state directory. NodeLayout derives every path from the options without I/O, so that
// `node up`, `node down` (possibly after a crash) and `validate` agree on where things are.
#pragma once

#include <cstddef>
#include <string>

#include "core/error.h"
#include "embedded/containerd_daemon.h"

namespace mkata::embedded {

/// The product defaults (docs/node.md). Tests use their own (TEAM.md: mk-node0, 100.64.14.0/24).
inline constexpr const char* kDefaultStateDir = "/var/lib/mkata/node";
inline constexpr const char* kDefaultNetworkName = "mkata";
inline constexpr const char* kDefaultBridge = "mkata0";
inline constexpr const char* kDefaultSubnet = "100.64.100.0/24";

/// Every node's cgroups live below this mkata-owned cgroup, in every hierarchy: the node's own
/// is <prefix>/<network name>, created by mkata at `up` (never an existing one adopted).
inline constexpr const char* kCgroupPrefix = "/mkata";
/// IFNAMSIZ (16) minus the NUL.
inline constexpr size_t kMaxBridgeSize = 15;
inline constexpr size_t kMaxNetworkNameSize = 40;
/// sockaddr_un.sun_path holds 108 bytes with the NUL; the longest socket a node binds is
/// <state>/containerd.sock.ttrpc (22 characters after the state dir).
inline constexpr size_t kMaxStateDirSize = 107 - 22;

/// The user-chosen identity of a node.
struct NodeOptions {
  std::string state_dir = kDefaultStateDir;
  std::string network_name = kDefaultNetworkName;  ///< CNI network name (cache, iptables comments)
  std::string bridge = kDefaultBridge;             ///< Linux bridge created by the CNI plugin
  std::string subnet = kDefaultSubnet;             ///< IPv4 /N inside 100.64.0.0/10

  /// Checks every field before anything is touched: the subnet must be a /16../29 inside
  /// 100.64.0.0/10; the bridge 1-15 characters of [A-Za-z0-9_-] and the network name 1-40 of
  /// [a-z0-9_-], both starting with a letter or digit (no '.', '..' or '-x' can reach a path or
  /// a command line); the state dir canonical and absolute (no '//', '/.', '/..', trailing '/',
  /// not '/'), at most kMaxStateDirSize characters so its sockets fit sun_path. Error (usage):
  /// "invalid subnet '10.0.0.0/24' (accepted: an IPv4 /16 to /29 inside 100.64.0.0/10)".
  Result<void> validate() const;
};

/// Every path of a node, derived from its options (no I/O).
struct NodeLayout {
  NodeOptions options;
  ContainerdPaths containerd;  ///< containerd's own paths (root, state, sockets, config, log)
  std::string ledger;          ///< <state>/ledger.jsonl: every host change, appended as made
  std::string node_file;       ///< <state>/node.json: what `node up` set up (handlers, images)
  std::string cni_conf_dir;    ///< <state>/cni/net.d (the one conflist)
  std::string cni_ipam_dir;    ///< <state>/cni/ipam (host-local's dataDir)
  std::string runtimes_dir;    ///< <state>/runtimes/<handler> (runc/crun/runsc --root)
  std::string images_dir;      ///< <state>/images (the OCI archives imported at up)
  std::string lock_file;       ///< <state>/node.lock (one up/down at a time)
  std::string cgroup_parent;   ///< "/mkata/<network_name>": the node's own cgroup (pods' parent)
  std::string cri_state;       ///< containerd's CRI plugin state (sandboxes, netns mounts)

  static NodeLayout of(const NodeOptions& options);
  /// The --root of a handler's OCI runtime (the shim appends the namespace, "k8s.io").
  std::string runtime_root(const std::string& handler) const;
};

}  // namespace mkata::embedded
