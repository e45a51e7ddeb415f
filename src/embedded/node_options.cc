// See node_options.h. The subnet check is strict on purpose: the node adds routes and a bridge on
// the host, and 100.64.0.0/10 (shared address space, RFC 6598) is the range this project reserves
// for pods so that no real network on the host is shadowed.
#include "embedded/node_options.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdint>

#include "core/strings.h"

namespace mkata::embedded {
namespace {

bool valid_subnet(const std::string& subnet) {
  auto parts = split(subnet, '/');
  if (parts.size() != 2 || parts[1].empty() || parts[1].size() > 2) return false;
  for (char c : parts[1]) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  int prefix = std::stoi(parts[1]);
  in_addr addr{};
  if (prefix < 16 || prefix > 29 || inet_pton(AF_INET, parts[0].c_str(), &addr) != 1) return false;
  uint32_t ip = ntohl(addr.s_addr);
  uint32_t mask = ~uint32_t{0} << (32 - prefix);
  if ((ip & ~mask) != 0) return false;       // host bits set: not a network address
  return (ip & 0xFFC00000u) == 0x64400000u;  // 100.64.0.0/10
}

bool valid_chars(const std::string& text, const char* extra) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok =
        std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
    for (const char* e = extra; *e && !ok; ++e) ok = c == *e;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<void> NodeOptions::validate() const {
  if (state_dir.empty() || state_dir[0] != '/' || state_dir == "/") {
    return fail(Error::usage("invalid state directory '" + state_dir +
                             "' (accepted: an absolute path other than /)"));
  }
  if (!valid_subnet(subnet)) {
    return fail(Error::usage("invalid subnet '" + subnet +
                             "' (accepted: an IPv4 /16 to /29 inside 100.64.0.0/10)"));
  }
  std::string lower_bridge;
  for (char c : bridge) lower_bridge += static_cast<char>(std::tolower(c));
  if (bridge.size() > 15 || !valid_chars(lower_bridge, "_.-")) {
    return fail(Error::usage("invalid bridge name '" + bridge +
                             "' (accepted: 1-15 characters of A-Z a-z 0-9 _ . -)"));
  }
  if (network_name.size() > 40 || !valid_chars(network_name, "_.-")) {
    return fail(Error::usage("invalid network name '" + network_name +
                             "' (accepted: 1-40 characters of a-z 0-9 _ . -)"));
  }
  return {};
}

NodeLayout NodeLayout::of(const NodeOptions& options) {
  NodeLayout l;
  l.options = options;
  const std::string& s = options.state_dir;
  l.containerd = ContainerdPaths::under(s);
  l.ledger = s + "/ledger.jsonl";
  l.node_file = s + "/node.json";
  l.cni_conf_dir = s + "/cni/net.d";
  l.cni_ipam_dir = s + "/cni/ipam";
  l.runtimes_dir = s + "/runtimes";
  l.images_dir = s + "/images";
  l.lock_file = s + "/node.lock";
  l.cgroup_parent = "/" + options.network_name;
  l.cri_state = l.containerd.state + "/io.containerd.grpc.v1.cri";
  return l;
}

std::string NodeLayout::runtime_root(const std::string& handler) const {
  return runtimes_dir + "/" + handler;
}

}  // namespace mkata::embedded
