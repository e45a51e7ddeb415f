// See nat_cleanup.h. The hash uses OpenSSL's SHA-512, as CNI does in Go.
#include "embedded/nat_cleanup.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "core/strings.h"

namespace mkata::embedded {
namespace {

std::string sha512_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha512(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string chain_of_rule(const std::string& line) {
  auto fields = split(line, ' ');
  return fields.size() >= 2 ? fields[1] : "";
}

std::string jump_target(const std::string& line) {
  auto fields = split(line, ' ');
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (fields[i] == "-j" || fields[i] == "-g") return fields[i + 1];
  }
  return "";
}

bool is_shared_chain(const std::string& chain) {
  return starts_with(chain, "CNI-HOSTPORT-") || !starts_with(chain, "CNI-");
}

}  // namespace

std::vector<std::string> cni_chain_names(const std::string& network, const std::string& pod_id) {
  std::string hash = sha512_hex(network + pod_id);
  auto cut = [](std::string name) { return name.substr(0, 28); };
  return {cut("CNI-" + hash), cut("CNI-DN-" + hash)};
}

NatCleanup find_nat_leftovers(const std::string& save_output, const std::string& network,
                              const std::vector<std::string>& pod_ids) {
  std::set<std::string> our_chains;
  for (const auto& id : pod_ids) {
    for (auto& name : cni_chain_names(network, id)) our_chains.insert(name);
  }
  // iptables-save prints the comment as --comment "name: \"net\" id: \"...\"".
  const std::string tag = "name: \\\"" + network + "\\\"";
  std::set<std::string> existing;
  std::vector<std::string> rules;
  for (const auto& raw : split(save_output, '\n')) {
    std::string line = trim(raw);
    if (starts_with(line, ":")) existing.insert(split(line.substr(1), ' ')[0]);
    if (starts_with(line, "-A ")) rules.push_back(line);
  }
  // Chains reached only from our rules are ours too (a pod id we never learnt).
  std::set<std::string> jumped_by_ours, jumped_by_others;
  for (const auto& r : rules) {
    std::string target = jump_target(r);
    if (target.empty()) continue;
    bool ours = r.find(tag) != std::string::npos || our_chains.count(chain_of_rule(r));
    (ours ? jumped_by_ours : jumped_by_others).insert(target);
  }
  for (const auto& c : jumped_by_ours) {
    if (!jumped_by_others.count(c) && !is_shared_chain(c)) our_chains.insert(c);
  }
  NatCleanup cleanup;
  for (const auto& r : rules) {
    bool tagged = r.find(tag) != std::string::npos;
    bool into_ours = our_chains.count(jump_target(r)) > 0;
    bool inside_ours = our_chains.count(chain_of_rule(r)) > 0;
    // Rules inside our chains go away with the flush; only references elsewhere are deleted.
    if ((tagged || into_ours) && !inside_ours) cleanup.rules.push_back(r);
  }
  for (const auto& c : our_chains) {
    if (existing.count(c)) cleanup.chains.push_back(c);
  }
  return cleanup;
}

std::string nat_restore_script(const NatCleanup& cleanup) {
  if (cleanup.empty()) return "";
  std::string script = "*nat\n";
  for (const auto& c : cleanup.chains) script += ":" + c + " - [0:0]\n";  // declares = flushes
  for (const auto& r : cleanup.rules) script += "-D" + r.substr(2) + "\n";
  for (const auto& c : cleanup.chains) script += "-X " + c + "\n";
  return script + "COMMIT\n";
}

}  // namespace mkata::embedded
