#include "host/kernel_features.h"

#include <cstdlib>
#include <sstream>

#include "core/strings.h"

namespace mkata::host {
namespace {

// Appends e unless an identical observation is already there (module probes share files).
void add_unique(std::vector<Evidence>& list, const Evidence& e) {
  for (const auto& x : list) {
    if (x == e) return;
  }
  list.push_back(e);
}

VhostFeature probe_vhost(const HostRoot& root, const std::string& release, const std::string& name,
                         const std::string& device, std::vector<Evidence>& evidence) {
  VhostFeature feature{name, device, false, probe_module(root, release, name)};
  if (!device.empty()) {
    DeviceNode node = root.device(device);
    feature.device_exists = node.exists;
    evidence.push_back({device, node.detail});
  }
  for (const auto& e : feature.module.evidence) add_unique(evidence, e);
  return feature;
}

// The first line of a file, trimmed; nullopt when unreadable.
std::optional<std::string> first_line(const HostRoot& root, const std::string& path) {
  auto text = root.read_file(path);
  if (!text) return std::nullopt;
  return trim(text->substr(0, text->find('\n')));
}

void probe_seccomp(const HostRoot& root, KernelFeatures& k) {
  if (auto status = root.read_file("/proc/self/status")) {
    for (const auto& line : split(*status, '\n')) {
      if (!starts_with(line, "Seccomp:")) continue;
      k.seccomp = true;
      k.evidence.push_back({"/proc/self/status", trim(line)});
    }
  }
  if (!k.seccomp) k.evidence.push_back({"/proc/self/status", "no Seccomp line"});
  if (auto actions = first_line(root, "/proc/sys/kernel/seccomp/actions_avail")) {
    k.seccomp_actions = *actions;
    k.evidence.push_back({"/proc/sys/kernel/seccomp/actions_avail", *actions});
  }
}

void probe_userns(const HostRoot& root, KernelFeatures& k) {
  auto max = first_line(root, "/proc/sys/user/max_user_namespaces");
  k.user_namespaces = max && std::atol(max->c_str()) > 0;
  k.evidence.push_back({"/proc/sys/user/max_user_namespaces", max.value_or("unreadable")});
  if (auto clone = first_line(root, "/proc/sys/kernel/unprivileged_userns_clone")) {
    k.unprivileged_userns_clone = *clone != "0";
    k.evidence.push_back({"/proc/sys/kernel/unprivileged_userns_clone", *clone});
  }
}

void probe_overlayfs(const HostRoot& root, KernelFeatures& k) {
  if (auto filesystems = root.read_file("/proc/filesystems")) {
    std::istringstream in(*filesystems);
    for (std::string w; in >> w;) k.overlayfs = k.overlayfs || w == "overlay";
  }
  k.evidence.push_back({"/proc/filesystems", k.overlayfs ? "lists overlay" : "no overlay"});
  if (k.overlayfs) return;
  // The kernel loads filesystem modules on mount, so a loadable overlay module is enough.
  ModuleState module = probe_module(root, k.release, "overlay");
  k.overlayfs = module.loadable;
  for (const auto& e : module.evidence) add_unique(k.evidence, e);
}

}  // namespace

Result<KernelFeatures> probe_kernel(const HostRoot& root) {
  KernelFeatures k;
  auto release = root.read_file("/proc/sys/kernel/osrelease");
  if (!release) return fail(release.error());
  k.release = trim(*release);
  k.evidence.push_back({"/proc/sys/kernel/osrelease", k.release});
  k.version = first_line(root, "/proc/version").value_or("");
  if (!k.version.empty()) k.evidence.push_back({"/proc/version", k.version});
  k.vhost = probe_vhost(root, k.release, "vhost", "", k.evidence);
  k.vhost_net = probe_vhost(root, k.release, "vhost_net", "/dev/vhost-net", k.evidence);
  k.vhost_vsock = probe_vhost(root, k.release, "vhost_vsock", "/dev/vhost-vsock", k.evidence);
  probe_seccomp(root, k);
  probe_userns(root, k);
  probe_overlayfs(root, k);
  return k;
}

}  // namespace mkata::host
