// The resource limits a container engine meets on this host. Rootful Podman (4.x) writes
// RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 32768 into every container's spec; raising a limit
// above its hard limit needs CAP_SYS_RESOURCE, and without it runc and crun fail to start the
// container ("setrlimit RLIMIT_NOFILE: operation not permitted"). That is this kind of lab VM:
// root has every capability but CAP_SYS_RESOURCE and a hard nofile limit of 20000 (LAB-NOTES.md).
// Podman also lowers its own nproc to 32768, so that is the ceiling of what its containers get.
// Docker (20.10) writes no rlimits unless asked, so only Podman needs the explicit --ulimit
// values computed here; `mkata check` explains the condition and validate's Podman target
// passes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// Podman's defaults for rootful containers.
inline constexpr uint64_t kPodmanDefaultNofile = 1048576;
inline constexpr uint64_t kPodmanDefaultNproc = 32768;
/// The capability bit of CAP_SYS_RESOURCE in /proc/<pid>/status CapEff.
inline constexpr int kCapSysResource = 24;

/// What mkata's own process may raise its limits to (the engine it starts inherits them).
struct ProcessLimits {
  std::optional<uint64_t> nofile_hard;   ///< nullopt: unlimited or unreadable
  std::optional<uint64_t> nproc_hard;    ///< nullopt: unlimited or unreadable
  std::optional<bool> cap_sys_resource;  ///< nullopt: CapEff unreadable
  std::vector<Evidence> evidence;
};

/// Reads /proc/self/limits and /proc/self/status through root. Never fails: what is unreadable
/// stays nullopt and the evidence says so.
ProcessLimits probe_process_limits(const HostRoot& root);

/// The limits (name → soft = hard value) that keep Podman's containers within the hard limits,
/// e.g. {{"nofile", 20000}, {"nproc", 32768}}; empty when Podman's defaults fit (or
/// CAP_SYS_RESOURCE is present, or nothing is known). Both or none.
std::vector<std::pair<std::string, uint64_t>> podman_ulimits(const ProcessLimits& limits);

/// The `--ulimit` arguments that keep Podman's containers within the hard limits, e.g.
/// {"--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768"}; empty when Podman's
/// defaults fit (or CAP_SYS_RESOURCE is present, or nothing is known).
std::vector<std::string> podman_ulimit_args(const ProcessLimits& limits);

/// check's note about Podman, or nullopt when its defaults fit.
std::optional<std::string> podman_limits_note(const ProcessLimits& limits);

}  // namespace mkata::host
