// mkata-crun-adapter: crun 1.8.1 refuses the hybrid cgroup layout of this kind of host ("cgroups
// in hybrid mode not supported, drop all controllers from cgroupv2") because
// /sys/fs/cgroup/unified lists a controller (hugetlb) that no v1 hierarchy claims; neither its
// flags nor SystemdCgroup help (LAB-NOTES.md §crun). The adapter runs crun — with every argument
// unchanged — in a private mount namespace in which that cgroup2 mount is detached, so crun sees
// a plain cgroup v1 host. On a pure v1 or pure v2 host there is nothing to hide and crun is
// exec'd directly.
//
// crun 1.8.1 also refuses every spec whose ociVersion does not contain "1.0" ("unknown version
// specified"); Docker Engine 28 writes "1.2.1" (measured), containerd 1.6 "1.0.2-dev". Before
// `create`/`run`, the adapter relabels such a bundle's config.json as "1.0.2-dev" — the version
// is only a label to crun, which reads the fields it knows whatever it says — and changes
// nothing else in the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter_config.h"
#include "adapters/adapter_system.h"
#include "core/error.h"

namespace mkata::adapters {

/// The mount points to detach: the configured ones, else the hybrid cgroup2 mounts found in
/// /proc/self/mountinfo text.
std::vector<std::string> crun_mounts_to_hide(const CrunAdapterConfig& config,
                                             const std::string& mountinfo);

/// config.json text relabelled for crun 1.8.1 ("ociVersion": "1.0.2-dev"), or nullopt when its
/// ociVersion is already a 1.0 one (or absent, or the text is no JSON object: crun says why).
std::optional<std::string> relabel_oci_version(const std::string& config_json);

/// Relabels the bundle's config.json for `create`/`run` (relabel_oci_version), hides the mounts
/// (if any) and replaces this process with `crun <args...>`. Returns only on failure.
Error run_crun_adapter(const CrunAdapterConfig& config, const std::vector<std::string>& args,
                       AdapterSystem& system);

}  // namespace mkata::adapters
