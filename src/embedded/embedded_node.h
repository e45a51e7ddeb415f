// The embedded node: a private containerd (Debian's) with CNI networking, one runtime handler per
// usable runtime and the workload images imported — a place to run pods exactly as kubelet does
// (CRI), with no Kubernetes. `node up` starts it and returns (containerd keeps running);
// `validate` starts one in-process when none is running. Every host change goes through the
// ledger first, so that `node down` (node_teardown.h) can always undo it.
//
// <state>/node.json describes a running node (address, handlers, images) so that `node status`,
// `validate` and `node down` in other processes find it.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/progress.h"
#include "cri/cri_client.h"
#include "embedded/containerd_daemon.h"
#include "embedded/containerd_program.h"
#include "embedded/node_lock.h"
#include "embedded/node_options.h"
#include "node/runtime_handler.h"

namespace mkata::embedded {

/// One handler of the node and the mkata runtime it stands for.
struct NodeHandler {
  std::string runtime;  ///< runc | crun | gvisor | kata
  node::RuntimeHandler handler;
  /// gvisor: the platform set explicitly on the handler ("systrap", "ptrace"; "" = runsc's own
  /// default) and the runsc program it runs.
  std::string platform{};
  std::string runsc{};
  /// An adapter configured for this node alone (adapters/adapter_config.h): up() links
  /// `adapter_link` (the handler's BinaryName, under the state dir) to the installed `adapter`
  /// and writes `adapter_config` beside the link as "<adapter_link>.conf". "" = none.
  std::string adapter{};
  std::string adapter_link{};
  std::string adapter_config{};
};

/// What a running node is (node.json).
struct NodeDescription {
  std::string state_dir;
  std::string address;  ///< containerd's gRPC socket
  pid_t containerd_pid = 0;
  std::string network_name, bridge, subnet, cgroup_parent;
  std::string started_utc;
  std::string sandbox_image;
  std::string containerd;          ///< the containerd program that runs (containerd_program.h)
  std::string containerd_version;  ///< its --version, e.g. "2.1.9+unknown"
  int config_schema = 2;           ///< the config schema rendered for it (2 or 3)
  std::map<std::string, std::string> images;  ///< workload → image reference
  /// runtime → (handler name, runtime_type, BinaryName or "")
  std::vector<NodeHandler> handlers;

  /// The handler name for a runtime, or nullopt.
  std::optional<std::string> handler_for(const std::string& runtime) const;
};

/// JSON form of node.json and back (errors name the field).
std::string encode_node_description(const NodeDescription& node);
Result<NodeDescription> decode_node_description(const std::string& json);

/// Inputs of up().
struct NodeUpOptions {
  NodeOptions node;
  std::vector<NodeHandler> handlers;  ///< in order; the first is containerd's default runtime
  std::string workload_dir;           ///< the workload binaries ("" = image module's lookup)
  /// The containerd to run (choose_containerd()); empty path = choose_containerd("") at up.
  ContainerdProgram containerd{};
};

/// A node this process started or attached to.
class EmbeddedNode {
 public:
  /// Starts a node: ledger entries first, then the CNI conflist, images, config, containerd,
  /// image import, and the proof (CRI Status) that containerd loaded every handler. On failure
  /// everything is torn down again. The node's lock (node_lock.h) is held from before anything
  /// is changed until this object goes away. Error (environment) when a node already runs
  /// there: "node up <dir>: a node is already running"; when another run holds the lock:
  /// "node up <dir>: node <dir> is in use by another mkata run (pid N)".
  static Result<EmbeddedNode> up(const NodeUpOptions& options, Progress& progress);

  /// Attaches to a node running at options.state_dir (started by another process) and holds
  /// its lock. Error: "no node is running in <dir>", or the lock's "in use" error.
  static Result<EmbeddedNode> attach(const NodeOptions& options);

  /// True when a node's containerd runs in that state dir.
  static bool running(const NodeOptions& options);

  EmbeddedNode(EmbeddedNode&&) = default;
  EmbeddedNode& operator=(EmbeddedNode&&) = default;
  ~EmbeddedNode() = default;  ///< never stops anything: down() or detach() decide

  const NodeDescription& description() const { return description_; }
  const NodeLayout& layout() const { return layout_; }
  const cri::CriClient& cri() const { return *cri_; }
  /// Records a pod sandbox in the ledger (before anything else is done with it).
  Result<void> record_pod(const std::string& pod_id) const;

  /// Leaves containerd running after this process exits (`mkata node up`).
  void detach();
  /// Tears the node down (node_teardown.h) and stops the in-process containerd.
  Result<void> down();

 private:
  EmbeddedNode(NodeLayout layout, NodeDescription description, cri::CriClient client,
               std::optional<ContainerdDaemon> daemon, NodeLock lock)
      : layout_(std::move(layout)),
        description_(std::move(description)),
        cri_(std::move(client)),
        daemon_(std::move(daemon)),
        lock_(std::move(lock)) {}
  NodeLayout layout_;
  NodeDescription description_;
  std::optional<cri::CriClient> cri_;
  std::optional<ContainerdDaemon> daemon_;
  std::optional<NodeLock> lock_;  ///< declared last: released after the daemon is stopped
};

}  // namespace mkata::embedded
