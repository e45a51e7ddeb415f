// The node's one CNI network: a bridge with host-local IPAM plus portmap, exactly the settings the
// lab notes found to work with runc, crun and gVisor pods (LAB-NOTES.md, containerd):
//  - ipMasq false: gVisor takes the IP off the veth, so CNI teardown cannot find (and leaks) a
//    masquerade chain; pods only need to be reachable from the host, not to reach out.
//  - isGateway true: the bridge gets the subnet's first address, so the host routes to pod IPs.
//  - hairpinMode true: a pod can reach itself through a hostPort/service address.
//  - host-local dataDir under the state directory: IP allocations never leak into /var/lib/cni.
// CRI adds the loopback interface itself, so the list holds only bridge and portmap.
#pragma once

#include <string>

#include "embedded/node_options.h"

namespace mkata::embedded {

/// The conflist JSON for the node (CNI spec 0.4.0), pretty-printed, ending in a newline.
std::string render_cni_conflist(const NodeLayout& layout);

/// The conflist's file name inside layout.cni_conf_dir ("10-<network>.conflist").
std::string cni_conflist_name(const NodeLayout& layout);

}  // namespace mkata::embedded
