// See installed_runtime.h.
#include "artifacts/installed_runtime.h"

#include <nlohmann/json.hpp>

#include "core/timestamp.h"

namespace mkata::artifacts {
namespace {

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void list_lines(std::string& out, const std::string& label, const std::vector<std::string>& paths) {
  for (const auto& p : paths) out += "  " + label + ": " + p + "\n";
}

}  // namespace

Result<void> record_placement(const Placement& placement, const InstallRecord& record,
                              const InstallManifest* previous, const std::string& manifest_path,
                              InstalledRuntime& result) {
  InstallManifest manifest{record.runtime,       record.version,       record.source,
                           record.source_digest, record.prefix,        "",
                           placement.entries,    placement.directories};
  bool same_as_before = previous && previous->files == manifest.files &&
                        previous->directories == manifest.directories &&
                        previous->version == manifest.version;
  result.changed = placement.changed() || !same_as_before;
  if (!result.changed && !previous->recovered) {
    manifest = *previous;  // nothing moved: keep the record, and when it was made
  } else {
    manifest.installed_at = utc_now();
    if (auto saved = save_manifest(manifest_path, manifest); !saved) return fail(saved.error());
  }
  result.manifest_path = manifest_path;
  result.added = placement.added;
  result.replaced = placement.replaced;
  result.unchanged = placement.unchanged;
  result.removed_stale = placement.removed_stale;
  result.kept_stale = placement.kept_stale;
  return {};
}

std::string render_install_summary(const InstalledRuntime& r) {
  std::string out;
  if (r.from_distribution) {
    out += r.runtime + ": using " + r.source + ": " + r.binary_path + " (nothing installed)\n";
  } else if (!r.changed) {
    out += r.runtime + " " + r.version + " is already installed in " + r.prefix + ": " +
           plural(r.unchanged.size(), "file") + " unchanged\n";
  } else {
    out += "installed " + r.runtime + " " + r.version + " into " + r.prefix + " (" +
           (r.verified ? "checksum verified" : "NOT verified: no checksum given") + ")\n";
    out += "  files: " + std::to_string(r.added.size()) + " added, " +
           std::to_string(r.replaced.size()) + " replaced, " + std::to_string(r.unchanged.size()) +
           " unchanged, " + std::to_string(r.removed_stale.size()) + " removed\n";
  }
  if (!r.version.empty()) out += "  version: " + r.version + "\n";
  if (!r.binary_path.empty()) out += "  runtime: " + r.binary_path + "\n";
  if (!r.shim_path.empty()) out += "  shim: " + r.shim_path + "\n";
  out += "  runtime_type: " + r.runtime_type + "\n";
  if (!r.config_path.empty()) out += "  config: " + r.config_path + "\n";
  if (!r.manifest_path.empty()) out += "  manifest: " + r.manifest_path + "\n";
  list_lines(out, "kept (modified since install)", r.kept_stale);
  list_lines(out, "note", r.notes);
  return out;
}

std::string render_purge_summary(const PurgeResult& p) {
  size_t dirs = p.removed_directories.size();
  std::string out = "purged " + p.runtime + ": removed " + plural(p.removed.size(), "file") +
                    " and " + std::to_string(dirs) + (dirs == 1 ? " directory" : " directories") +
                    "\n";
  list_lines(out, "kept (modified since install)", p.kept_modified);
  list_lines(out, "kept (not installed by mkata)", p.kept_foreign);
  list_lines(out, "kept directory (not empty)", p.kept_directories);
  list_lines(out, "already gone", p.missing);
  out += (p.manifest_kept ? "  manifest kept (lists what is left): " : "  manifest removed: ") +
         p.manifest_path + "\n";
  return out;
}

std::string install_summary_json(const InstalledRuntime& r) {
  nlohmann::json j = {{"runtime", r.runtime},
                      {"version", r.version},
                      {"source", r.source},
                      {"digest", r.digest},
                      {"verified", r.verified},
                      {"from_distribution", r.from_distribution},
                      {"prefix", r.prefix},
                      {"runtime_type", r.runtime_type},
                      {"shim_path", r.shim_path},
                      {"binary_path", r.binary_path},
                      {"config_path", r.config_path},
                      {"manifest_path", r.manifest_path},
                      {"changed", r.changed},
                      {"added", r.added},
                      {"replaced", r.replaced},
                      {"unchanged", r.unchanged},
                      {"removed_stale", r.removed_stale},
                      {"kept_stale", r.kept_stale},
                      {"notes", r.notes}};
  // Paths can be the user's own files (kept_foreign): not necessarily UTF-8, and dump() throws.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string purge_summary_json(const PurgeResult& p) {
  nlohmann::json j = {{"runtime", p.runtime},
                      {"manifest_path", p.manifest_path},
                      {"manifest_kept", p.manifest_kept},
                      {"removed", p.removed},
                      {"kept_modified", p.kept_modified},
                      {"missing", p.missing},
                      {"removed_directories", p.removed_directories},
                      {"kept_directories", p.kept_directories},
                      {"kept_foreign", p.kept_foreign}};
  // Paths can be the user's own files (kept_foreign): not necessarily UTF-8, and dump() throws.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mkata::artifacts
