// Which iptables nat rules and chains belong to a node, decided from `iptables-save -t nat`
// output (pure, unit-tested), and the iptables-restore script that removes exactly those.
//
// CNI's bridge (ipMasq) and portmap plugins name their per-pod chains after a hash of the network
// name and the container id (github.com/containernetworking/plugins pkg/utils
// FormatChainNameWithPrefix: "CNI-" + prefix + hex(sha512(network + id)), cut to 28 characters)
// and tag their rules with the comment `name: "<network>" id: "<id>"`. A chain is ours when its
// name is one of those hashes of our pods, or when every rule that jumps to it is ours. The
// shared CNI-HOSTPORT-* chains are never removed (other CNI users on the host need them); only
// our rules inside them are.
#pragma once

#include <string>
#include <vector>

namespace mkata::embedded {

/// The chain names CNI would give a pod of this network: "CNI-<hash>" (bridge ipMasq) and
/// "CNI-DN-<hash>" (portmap DNAT).
std::vector<std::string> cni_chain_names(const std::string& network, const std::string& pod_id);

/// What to remove from a nat table.
struct NatCleanup {
  std::vector<std::string> rules;   ///< iptables-save rule lines ("-A CHAIN ..."), ours
  std::vector<std::string> chains;  ///< chains to flush and delete, ours
  bool empty() const { return rules.empty() && chains.empty(); }
};

/// Finds our rules and chains in `iptables-save -t nat` output.
NatCleanup find_nat_leftovers(const std::string& save_output, const std::string& network,
                              const std::vector<std::string>& pod_ids);

/// An `iptables-restore --noflush` script for the nat table that deletes the rules, then flushes
/// and deletes the chains ("" when there is nothing to do).
std::string nat_restore_script(const NatCleanup& cleanup);

}  // namespace mkata::embedded
