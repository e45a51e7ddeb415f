// The kernel features sandboxed runtimes depend on, each read from the file that says it: the
// release and version, the vhost family (vhost, vhost_net, vhost_vsock — Kata's agent talks to
// the guest over vhost-vsock), seccomp, user namespaces and overlayfs. The cgroup layout has its
// own file (cgroup_layout.h).
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "host/evidence.h"
#include "host/host_root.h"
#include "host/kernel_modules.h"

namespace mkata::host {

/// A vhost feature: its module and, where it has one, its device node.
struct VhostFeature {
  std::string name;     ///< "vhost", "vhost_net", "vhost_vsock"
  std::string device;   ///< "/dev/vhost-net", "/dev/vhost-vsock", "" for vhost
  bool device_exists = false;
  ModuleState module;
  bool available() const { return device_exists || module.available(); }
};

/// Kernel facts with their evidence.
struct KernelFeatures {
  std::string release;  ///< /proc/sys/kernel/osrelease
  std::string version;  ///< /proc/version, first line
  VhostFeature vhost, vhost_net, vhost_vsock;
  bool seccomp = false;           ///< "Seccomp:" in /proc/self/status
  std::string seccomp_actions;    ///< /proc/sys/kernel/seccomp/actions_avail
  bool user_namespaces = false;   ///< max_user_namespaces > 0
  std::optional<bool> unprivileged_userns_clone;  ///< Debian/Ubuntu sysctl, when present
  bool overlayfs = false;         ///< "overlay" in /proc/filesystems
  std::vector<Evidence> evidence;
};

/// Probes every kernel feature through root. Error only when the release cannot be read
/// ("read /proc/sys/kernel/osrelease: ..."): every other probe needs it.
Result<KernelFeatures> probe_kernel(const HostRoot& root);

}  // namespace mkata::host
