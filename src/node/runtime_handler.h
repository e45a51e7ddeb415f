// One containerd runtime handler — the thing a RuntimeClass's `handler` names — and its rendering
// as a TOML table for either containerd config schema. Both `mkata install` (which writes it into a
// host's config) and the embedded node (which writes it into its private config) render handlers
// with this code, so that what validate proves is exactly what install writes.
//
// Schema v2 (containerd 1.x) keeps runtimes under the CRI plugin id "io.containerd.grpc.v1.cri";
// schema v3 (containerd 2.x) under "io.containerd.cri.v1.runtime". A table under the wrong id is
// silently ignored by containerd, which is why the schema is an explicit parameter everywhere.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"

namespace mkata::node {

/// containerd config schema (`version = N` at the top of config.toml).
enum class ConfigSchema { kV2 = 2, kV3 = 3 };

/// The CRI plugin id that holds `containerd.runtimes` for a schema.
std::string cri_runtime_plugin_id(ConfigSchema schema);

/// The TOML table path of a handler: `plugins."<id>".containerd.runtimes.<name>`.
std::string runtime_table_path(ConfigSchema schema, const std::string& handler);

/// One key of a handler's `options` table (passed by containerd to the shim).
struct RuntimeOption {
  std::string key;                          ///< e.g. BinaryName, Root, SystemdCgroup, ConfigPath
  std::variant<std::string, bool> value;
};

/// The description of one containerd runtime handler.
struct RuntimeHandler {
  std::string name;          ///< the runtimes key = CRI runtime handler = RuntimeClass handler
  std::string runtime_type;  ///< shim name, e.g. io.containerd.runc.v2
  /// The shim binary's path when it is not in containerd's PATH (e.g. /opt/kata/bin/...);
  /// containerd 1.6+ `runtime_path`. Empty: containerd finds the shim from runtime_type.
  std::string runtime_path;
  std::vector<RuntimeOption> options;
  std::vector<std::string> pod_annotations;
  bool privileged_without_host_devices = false;

  /// The string value of an option, if set.
  std::optional<std::string> option(const std::string& key) const;
};

/// The TOML text of the handler's table (and its `.options` subtable when it has options), each
/// line ending in '\n', indented like containerd's own `config default` output.
std::string render_runtime_table(const RuntimeHandler& handler, ConfigSchema schema);

/// Checks that the handler can be rendered: a name of [A-Za-z0-9_.-] (1..63 chars, as accepted by
/// RuntimeClass handlers), a non-empty runtime_type. Error: usage error naming the value.
Result<void> validate_handler(const RuntimeHandler& handler);

/// Quotes a TOML basic string (escapes backslash, quote and control characters).
std::string toml_quote(const std::string& text);

// --- The mkata runtimes ------------------------------------------------------------------------

/// Where `mkata install` puts the project's adapters on a real host (see docs/install.md).
inline constexpr const char* kAdapterDir = "/usr/local/lib/mkata";
inline constexpr const char* kRunscAdapterName = "mkata-runsc-adapter";
inline constexpr const char* kCrunAdapterName = "mkata-crun-adapter";

/// runc through the generic runc shim. `binary` empty: the shim's default ("runc" from PATH).
RuntimeHandler runc_handler(const std::string& name = "runc", const std::string& binary = "");

/// crun through the runc shim. `binary` is "crun" on cgroup-v2/v1-only hosts, or the path of the
/// crun adapter on hybrid-cgroup hosts (LAB-NOTES.md: crun refuses the hybrid layout).
RuntimeHandler crun_handler(const std::string& name = "crun", const std::string& binary = "crun");

/// gVisor. With `runsc_shim` true (containerd-shim-runsc-v1 exists): runtime_type
/// io.containerd.runsc.v1 and no options. Otherwise the runc shim with BinaryName = `binary`
/// (the runsc adapter path; LAB-NOTES.md lists the four problems the adapter solves).
RuntimeHandler gvisor_handler(bool runsc_shim, const std::string& binary,
                              const std::string& name = "gvisor");

/// Kata Containers: io.containerd.kata.v2, privileged_without_host_devices = true,
/// pod_annotations = ["io.katacontainers.*"], options.ConfigPath when `config_path` is given.
RuntimeHandler kata_handler(const std::string& config_path = "", const std::string& name = "kata");

}  // namespace mkata::node
