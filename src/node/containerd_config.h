// Planning edits to a containerd config file (or a template of one): which schema it uses, where
// mkata's runtime blocks go, what must not be duplicated, and proof — by parsing the result —
// that the edited file is valid TOML in which each handler has the intended runtime_type.
//
// The file is read with toml++ but edited as text (managed_block.h). Planning is pure (text in,
// text out) so that every fixture's round trip is a unit test; writing is a separate step
// (apply_config_edit) so that --dry-run shares all of the logic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// How the file is read.
enum class ConfigFormat {
  kToml,        ///< containerd config.toml, MicroK8s template (placeholders are inside strings)
  kGoTemplate,  ///< k3s/RKE2 config.toml.tmpl: TOML with `{{ ... }}` action lines
};

/// The file being edited.
struct ConfigTarget {
  std::string path;
  ConfigFormat format = ConfigFormat::kToml;
  /// The schema when the file cannot say (a template, an absent or empty file). A file with
  /// `version = N` always wins over this.
  ConfigSchema schema = ConfigSchema::kV2;
  /// The first line of a newly created Go template (k3s: `{{ template "base" . }}`).
  std::string template_header;
  /// List containerd's default runtime (runc) in a block of mkata's when the file would list
  /// runtimes without it. Off for drop-ins merged into a config that already has it (k0s).
  bool keep_default_runtime = true;
};

/// A planned change of one file.
struct ConfigEdit {
  std::string path;
  bool existed = false;
  std::string before;  ///< current bytes ("" when absent)
  std::string after;   ///< planned bytes
  bool delete_file = false;  ///< uninstall removes a file that mkata created
  ConfigSchema schema = ConfigSchema::kV2;
  std::vector<std::string> notes;  ///< one line per runtime: what happened and why
  std::vector<std::string> removed;  ///< uninstall: runtimes whose mkata block was removed
  bool changed() const {
    if (delete_file) return existed;
    return existed ? after != before : !after.empty();
  }
};

/// The mkata block label of a runtime ("runtime kata").
std::string runtime_block_label(const std::string& runtime);

/// Plans adding (or refreshing) one block per handler. `current`: the file's bytes, nullopt when
/// it does not exist. Idempotent: planning on the result changes nothing. A handler the user
/// already defined outside mkata's blocks with the same runtime_type is left as is (MicroK8s's
/// stock `kata`); with another runtime_type it is an error (TOML forbids a second table).
Result<ConfigEdit> plan_install(const ConfigTarget& target, const std::optional<std::string>& current,
                                const std::vector<RuntimeHandler>& handlers);

/// Plans removing the blocks of these runtimes (and mkata's header when no runtime block is
/// left). Handlers defined outside mkata's blocks are left as they are.
Result<ConfigEdit> plan_uninstall(const ConfigTarget& target,
                                  const std::optional<std::string>& current,
                                  const std::vector<std::string>& runtimes);

/// Checks that `path` may be edited before anything is written: an existing file must have a write
/// permission bit (mkata respects a file the user made read-only, even as root: "cannot edit
/// <path>: the file is read-only (mode 0444)"); a new file needs its directory, created when
/// `create_parent`, else a usage error.
Result<void> check_editable(const std::string& path, bool create_parent);

/// Writes a planned edit: a backup of the old file ("<path>.mkata-backup"), then an atomic
/// replace (or removal of a file mkata created). Nothing happens when nothing changed. On failure
/// the old file is intact.
Result<void> apply_config_edit(const ConfigEdit& edit);

}  // namespace mkata::node
