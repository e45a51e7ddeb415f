// Whether a kernel module's feature is present, without ever loading anything (no modprobe):
// loaded (/sys/module/<name>), built into the kernel (/lib/modules/<release>/modules.builtin),
// or only available to load (modules.dep). Many hosts (containers, minimal VMs, this lab) have no
// /lib/modules at all; then only /sys/module can answer.
#pragma once

#include <optional>
#include <string>

#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// A module's state, with the evidence for it.
struct ModuleState {
  bool loaded = false;    ///< /sys/module/<name> exists
  bool builtin = false;   ///< listed in modules.builtin
  bool loadable = false;  ///< listed in modules.dep (present on disk, not loaded)
  std::vector<Evidence> evidence;
  /// Usable right now without loading anything.
  bool available() const { return loaded || builtin; }
};

/// Probes module `name` (e.g. "vhost_vsock") for kernel `release`.
ModuleState probe_module(const HostRoot& root, const std::string& release, const std::string& name);

/// Reads /sys/module/<module>/parameters/<param>; nullopt when unreadable.
std::optional<std::string> module_parameter(const HostRoot& root, const std::string& module,
                                            const std::string& param);

}  // namespace mkata::host
