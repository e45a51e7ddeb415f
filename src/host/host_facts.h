// Everything mkata knows about a host, gathered in one pass through one HostRoot: the input of
// the runtime verdicts (runtime_verdicts.h) and of every report. Other commands use it too: the
// embedded node picks its handlers from the verdicts, validate prints them.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "host/cgroup_layout.h"
#include "host/cpu_info.h"
#include "host/gvisor_platform.h"
#include "host/host_root.h"
#include "host/installed_tools.h"
#include "host/kernel_features.h"
#include "host/kvm_probe.h"
#include "host/os_release.h"
#include "host/process_limits.h"

namespace mkata::host {

/// The host facts, each section with its evidence.
/// The containerd config `mkata install` would edit and the schema it would write there (filled
/// by the caller from node/config_schema_facts.h: host probes know no distributions).
struct ContainerdConfigFacts {
  bool judged = false;
  std::string distribution;  ///< "containerd", "microk8s", ...; "" when detection failed
  std::string path;          ///< the file (under the root)
  bool exists = false;
  std::string containerd;     ///< "2.1.9 (/snap/microk8s/current/bin/containerd --version)"; ""
  std::optional<int> schema;  ///< 2 or 3; nullopt when install would refuse the file
  std::string why;            ///< why that schema, or why install would refuse
};

struct HostFacts {
  std::string root;  ///< HostRoot::describe(): "/" or the fixture directory
  unsigned uid = 0;  ///< the user the probes ran as
  OsRelease os;
  CpuInfo cpu;
  KvmFacts kvm;
  KernelFeatures kernel;
  CgroupLayout cgroups;
  InstalledTools tools;
  GvisorPlatforms gvisor;
  ProcessLimits limits;  ///< what an engine started from here may raise its limits to
  ContainerdConfigFacts containerd_config;
};

/// Probes the host through root. Reads only; never loads modules or writes anything. Fails when
/// a file every Linux host has is unreadable (/proc/cpuinfo, /proc/sys/kernel/osrelease, the
/// mount table): "probe host <root>: read /proc/cpuinfo: No such file or directory".
Result<HostFacts> probe_host(const HostRoot& root);

}  // namespace mkata::host
