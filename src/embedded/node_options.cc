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

// A name: a letter or digit, then letters, digits, '_' or '-'. No dots at all, so '.' and '..'
// can never reach a path, and no leading '-', so a name is never read as a flag by ip(8).
bool valid_name(const std::string& text, size_t max_size, bool upper_ok) {
  if (text.empty() || text.size() > max_size) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool ok = std::islower(c) || std::isdigit(c) || (upper_ok && std::isupper(c)) ||
              (i > 0 && (c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

// A canonical absolute path: no empty, '.' or '..' component, no trailing '/', not '/' itself;
// components of [A-Za-z0-9._+-] only (the path is written unescaped into containerd's TOML and
// CNI's JSON, so quotes, backslashes, spaces and control characters are refused outright).
bool canonical_state_dir(const std::string& path) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/') return false;
  for (const auto& part : split(path.substr(1), '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (char ch : part) {
      auto c = static_cast<unsigned char>(ch);
      if (!std::isalnum(c) && c != '.' && c != '_' && c != '+' && c != '-') return false;
    }
  }
  return true;
}

}  // namespace

Result<void> NodeOptions::validate() const {
  if (!canonical_state_dir(state_dir)) {
    return fail(Error::usage(
        "invalid state directory '" + state_dir +
        "' (accepted: a canonical absolute path other than /, without '//', '.' or '..' "
        "components or a trailing '/', of A-Z a-z 0-9 . _ + -)"));
  }
  if (state_dir.size() > kMaxStateDirSize) {
    return fail(Error::usage("invalid state directory '" + state_dir + "' (accepted: at most " +
                             std::to_string(kMaxStateDirSize) + " characters, so that " +
                             state_dir + "/containerd.sock.ttrpc fits a unix socket path)"));
  }
  if (!valid_subnet(subnet)) {
    return fail(Error::usage("invalid subnet '" + subnet +
                             "' (accepted: an IPv4 /16 to /29 inside 100.64.0.0/10)"));
  }
  if (!valid_name(bridge, kMaxBridgeSize, true)) {
    return fail(Error::usage("invalid bridge name '" + bridge +
                             "' (accepted: 1-15 characters of A-Z a-z 0-9 _ -, starting with a "
                             "letter or digit)"));
  }
  if (!valid_name(network_name, kMaxNetworkNameSize, false)) {
    return fail(Error::usage("invalid network name '" + network_name +
                             "' (accepted: 1-40 characters of a-z 0-9 _ -, starting with a "
                             "letter or digit)"));
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
  l.cgroup_parent = std::string(kCgroupPrefix) + "/" + options.network_name;
  l.cri_state = l.containerd.state + "/io.containerd.grpc.v1.cri";
  return l;
}

std::string NodeLayout::runtime_root(const std::string& handler) const {
  return runtimes_dir + "/" + handler;
}

}  // namespace mkata::embedded
