// mkata-crun-adapter: crun 1.8.1 refuses the hybrid cgroup layout of this kind of host ("cgroups
// in hybrid mode not supported, drop all controllers from cgroupv2") because
// /sys/fs/cgroup/unified lists a controller (hugetlb) that no v1 hierarchy claims; neither its
// flags nor SystemdCgroup help (LAB-NOTES.md §crun). The adapter runs crun — with every argument
// unchanged — in a private mount namespace in which that cgroup2 mount is detached, so crun sees
// a plain cgroup v1 host. On a pure v1 or pure v2 host there is nothing to hide and crun is
// exec'd directly.
//
// It also shows crun an OCI spec version it accepts: crun 1.8.1 refuses every ociVersion but
// 1.0.x and 1.1.x ("unknown version specified"), while containerd 1.7 and 2.x write "1.2.0"
// (runc does not check). For `create` and `run`, a bundle config.json whose ociVersion is newer
// than `max_spec` is rewritten to `<max_spec>.0` before crun reads it; the fields that 1.2 added
// are optional and unknown ones are ignored by crun's parser.
#pragma once

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

/// The ociVersion crun is shown for a bundle's `oci_version`: `<max_spec>.0` when oci_version's
/// major.minor is newer than max_spec ("1.1"), else "" (keep it). Unparsable versions are kept.
std::string spec_version_for_crun(const std::string& oci_version, const std::string& max_spec);

/// Hides the mounts (if any) and replaces this process with `crun <args...>`. Returns only on
/// failure.
Error run_crun_adapter(const CrunAdapterConfig& config, const std::vector<std::string>& args,
                       AdapterSystem& system);

}  // namespace mkata::adapters
