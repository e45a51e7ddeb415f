// Planning edits to a containerd config file (or a template of one): which schema it uses, where
// mkata's runtime blocks go, what must not be duplicated, and proof — by parsing the result —
// that the edited file is valid TOML in which each handler has the intended runtime_type.
//
// The file is read with toml++ but edited as text (managed_block.h). Planning is pure (text in,
// text out) so that every fixture's round trip is a unit test; writing is a separate step
// (apply_config_edit) so that --dry-run shares all of the logic.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/file_edit.h"
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
  /// The flags that name this file to `mkata uninstall` (e.g. "--distro microk8s" or
  /// "--config /srv/containerd.toml"): each block's BEGIN line names the exact command.
  std::string uninstall_flags;
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
  /// The file `before` was read from, locked until the edit is applied (see core/file_edit.h).
  /// Null for a plan made from text alone: apply_config_edit() then opens the file itself.
  std::shared_ptr<FileEdit> file;
  bool changed() const {
    if (delete_file) return existed;
    return existed ? after != before : !after.empty();
  }
};

/// The config schema a containerd version reads natively: 1.x → v2, 2.x and later → v3. Input:
/// the output of `containerd --version` ("containerd github.com/containerd/containerd 1.6.20
/// ...") or a bare version ("v2.1.9", CRI's runtime_version).
Result<ConfigSchema> schema_for_containerd_version(const std::string& version_output);

/// The containerd that will read the file, as far as mkata learnt it before the edit.
struct ConfigReader {
  std::string version;  ///< "2.1.9", "v2.1.9+unknown", "1.6.20~ds1"; "" when unknown
  std::string where;    ///< for messages: "at /run/containerd/containerd.sock"; "" when unknown
};

/// The schema mkata writes and why, in the user's words.
struct SchemaChoice {
  ConfigSchema schema = ConfigSchema::kV2;
  /// "the file says version = 2; containerd 2.1.9 at /run/... migrates it to v3 when it loads it"
  std::string why;
};

/// Decides the schema of the edit from the file's `version` line (or, for a Go template, its
/// name) and the version of the containerd that reads it: the file's own schema wins where that
/// containerd reads it (containerd 2.x migrates a v2 file when it loads it, so a v2 file stays
/// v2); a new or empty file gets the schema that containerd reads natively (target.schema when
/// its version is unknown). Error (usage, before anything changes): a v3 file for containerd
/// 1.x, which starts on it but ignores every v3 plugin table.
Result<SchemaChoice> choose_config_schema(const ConfigTarget& target,
                                          const std::optional<std::string>& current,
                                          const ConfigReader& reader);

/// The mkata block label of a runtime ("runtime kata").
std::string runtime_block_label(const std::string& runtime);

/// Plans adding (or refreshing) one block per handler. `current`: the file's bytes, nullopt when
/// it does not exist. Idempotent: planning on the result changes nothing. A handler the user
/// already defined outside mkata's blocks with the same runtime_type is left as is (MicroK8s's
/// stock `kata`); with another runtime_type it is an error (TOML forbids a second table).
Result<ConfigEdit> plan_install(const ConfigTarget& target, const std::optional<std::string>& current,
                                const std::vector<RuntimeHandler>& handlers);

/// Plans removing the blocks of these runtimes (and mkata's header when no runtime block is
/// left; when the user has added tables since, the header's `version = N` or template line stays,
/// unmarked, so that containerd does not fall back to schema v1). Handlers defined outside
/// mkata's blocks are left as they are.
Result<ConfigEdit> plan_uninstall(const ConfigTarget& target,
                                  const std::optional<std::string>& current,
                                  const std::vector<std::string>& runtimes);

/// Checks that `path` may be edited before anything is written: an existing file must have a write
/// permission bit (mkata respects a file the user made read-only, even as root: "cannot edit
/// <path>: the file is read-only (mode 0444)"); a new file needs its directory, created when
/// `create_parent`, else a usage error.
Result<void> check_editable(const std::string& path, bool create_parent);

/// Opens a user's config for an edit (FileEdit::open: regular files only, bounded, locked).
Result<std::shared_ptr<FileEdit>> open_config_file(const std::string& path);

/// The file's bytes as the planners take them: nullopt when it does not exist.
std::optional<std::string> current_bytes(const FileEdit& file);

/// Where apply_config_edit() keeps the old bytes: "<file>.mkata-backup" beside the file that is
/// edited (the link's target when the path is a symlink).
std::string backup_path_of(const ConfigEdit& edit);

/// Writes a planned edit through edit.file (or a FileEdit opened now, which must still hold
/// edit.before): a backup of the old file, then an atomic replace that keeps owner, group, mode,
/// extended attributes and a symlink at the path (or removal of a file mkata created; through a
/// symlink the emptied file is written instead, so the link is never left dangling). Nothing
/// happens when nothing changed. A file changed by another program since it was read is an error
/// and is left as that program wrote it. On any failure the old file is intact.
Result<void> apply_config_edit(const ConfigEdit& edit);

}  // namespace mkata::node
