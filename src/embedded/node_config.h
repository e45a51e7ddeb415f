// The embedded node's containerd config: the private paths of containerd_daemon.h, then the CRI
// plugin settings that the lab notes found necessary on this kind of machine, then one runtime
// handler table per usable runtime, rendered by the same code `mkata install` uses
// (node/runtime_handler.h) so that what validate proves is what install writes.
//
// Why each CRI setting (LAB-NOTES.md):
//  - restrict_oom_score_adj = true: without it runc fails ("can't get final child's PID from
//    pipe: EOF") on hosts where lowering oom_score_adj is not permitted;
//  - sandbox_image = our imported pause image: no registry is reachable, CRI must never pull;
//  - stream_server 127.0.0.1:0: exec/attach streams never listen beyond loopback;
//  - netns_mounts_under_state_dir: pod netns mounts live under the state dir, not /run/netns;
//  - overlayfs; CNI plugins from /usr/lib/cni, our conflist alone (max_conf_num = 1).
//
// Two schemas, chosen by the version of the containerd that reads the file
// (containerd_program.h). Schema v2 (containerd 1.6, 1.7) keeps all of it under
// "io.containerd.grpc.v1.cri". Schema v3 (containerd 2.x) splits the CRI plugin, and the same
// settings live under other ids and names (containerd 2.1's `config default`):
//  - "io.containerd.cri.v1.runtime": restrict_oom_score_adj, netns_mounts_under_state_dir,
//    enable_selinux, containerd.default_runtime_name, containerd.runtimes, cni.*;
//  - "io.containerd.cri.v1.images": snapshotter, and the sandbox image as
//    pinned_images.sandbox (pinned: never garbage-collected, and present, so never pulled);
//  - "io.containerd.grpc.v1.cri": only the stream server settings remain;
//  - "io.containerd.nri.v1.nri" disable = true: containerd 2.x enables NRI by default and would
//    bind /var/run/nri/nri.sock on the host (1.7 has it disabled by default; 1.6 has no NRI).
#pragma once

#include <string>
#include <vector>

#include "embedded/node_options.h"
#include "node/runtime_handler.h"

namespace mkata::embedded {

/// What the config needs besides the layout.
struct NodeConfigInput {
  std::string sandbox_image;                   ///< e.g. "mkata.local/pause:0.1.0"
  std::vector<node::RuntimeHandler> handlers;  ///< the first is the default runtime
  std::string cni_bin_dir = "/usr/lib/cni";
  node::ConfigSchema schema = node::ConfigSchema::kV2;  ///< that of the containerd that reads it
};

/// The whole config.toml in input.schema.
std::string render_node_config(const NodeLayout& layout, const NodeConfigInput& input);

}  // namespace mkata::embedded
