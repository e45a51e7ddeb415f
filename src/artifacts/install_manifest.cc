// See install_manifest.h. nlohmann::json throws on a missing or mistyped field; this is the one
// file that calls it for manifests, so the exception stops here and becomes an Error.
#include "artifacts/install_manifest.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "artifacts/checksum.h"
#include "core/files.h"

namespace mkata::artifacts {
namespace {

using nlohmann::json;

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

ManifestEntry entry_from_json(const json& j) {
  ManifestEntry e;
  e.path = j.at("path").get<std::string>();
  if (j.contains("symlink")) {
    e.symlink = true;
    e.link_target = j.at("symlink").get<std::string>();
  } else {
    e.sha256 = j.at("sha256").get<std::string>();
    e.mode = static_cast<mode_t>(std::stoul(j.at("mode").get<std::string>(), nullptr, 8));
  }
  if (e.path.empty() || e.path[0] != '/') throw std::runtime_error("relative path " + e.path);
  return e;
}

// The entries left in a directory that purge could not remove.
std::vector<std::string> children(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (struct dirent* ent = readdir(d)) {
    std::string name = ent->d_name;
    if (name != "." && name != "..") out.push_back(dir + "/" + name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

void remove_directories(const InstallManifest& manifest, PurgeResult& result) {
  std::vector<std::string> dirs = manifest.directories;
  std::sort(dirs.rbegin(), dirs.rend());  // children sort after their parents: remove them first
  std::set<std::string> ours(dirs.begin(), dirs.end());
  std::set<std::string> modified(result.kept_modified.begin(), result.kept_modified.end());
  for (const auto& dir : dirs) {
    if (rmdir(dir.c_str()) == 0) {
      result.removed_directories.push_back(dir);
      continue;
    }
    if (errno == ENOENT) continue;
    result.kept_directories.push_back(dir);
    for (const auto& child : children(dir)) {
      if (!ours.contains(child) && !modified.contains(child)) result.kept_foreign.push_back(child);
    }
  }
}

}  // namespace

std::string manifest_path_for(const std::string& runtime, const std::string& manifest_dir) {
  return manifest_dir + "/" + runtime + ".json";
}

std::string journal_path_for(const std::string& manifest_path) {
  return manifest_path + ".pending";
}

std::string manifest_to_json(const InstallManifest& m) {
  json files = json::array();
  for (const auto& e : m.files) {
    if (e.symlink) {
      files.push_back({{"path", e.path}, {"symlink", e.link_target}});
    } else {
      files.push_back({{"path", e.path}, {"sha256", e.sha256}, {"mode", octal(e.mode)}});
    }
  }
  json j = {{"schema", 1},
            {"tool", "mkata"},
            {"runtime", m.runtime},
            {"version", m.version},
            {"source", m.source},
            {"source_digest", m.source_digest},
            {"prefix", m.prefix},
            {"installed_at", m.installed_at},
            {"directories", m.directories},
            {"files", files}};
  // dump() throws type_error 316 on invalid UTF-8; replace keeps this function total.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<InstallManifest> parse_manifest(std::string_view text, const std::string& source) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail(Error(source + ": not an mkata manifest: invalid JSON"));
  try {
    if (j.at("schema").get<int>() != 1) throw std::runtime_error("unsupported schema");
    InstallManifest m;
    m.runtime = j.at("runtime").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.source = j.at("source").get<std::string>();
    m.source_digest = j.at("source_digest").get<std::string>();
    m.prefix = j.at("prefix").get<std::string>();
    m.installed_at = j.at("installed_at").get<std::string>();
    m.directories = j.at("directories").get<std::vector<std::string>>();
    for (const auto& f : j.at("files")) m.files.push_back(entry_from_json(f));
    return m;
  } catch (const std::exception& e) {
    return fail(Error(source + ": not an mkata manifest: " + e.what()));
  }
}

Result<std::optional<InstallManifest>> load_manifest(const std::string& path) {
  if (!path_exists(path)) return std::optional<InstallManifest>();
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto manifest = parse_manifest(*text, path);
  if (!manifest) return fail(manifest.error());
  return std::optional<InstallManifest>(std::move(*manifest));
}

Result<std::optional<InstallManifest>> load_manifest_with_journal(const std::string& path) {
  auto manifest = load_manifest(path);
  if (!manifest) return fail(manifest.error());
  auto journal = load_manifest(journal_path_for(path));
  if (!journal) return fail(journal.error());
  if (!*journal) return manifest;
  InstallManifest merged = *manifest ? **manifest : **journal;
  merged.recovered = true;
  std::vector<ManifestEntry> files = merged.files;
  for (const auto& pending : (*journal)->files) {
    auto same = std::find_if(files.begin(), files.end(),
                             [&](const ManifestEntry& e) { return e.path == pending.path; });
    if (same == files.end()) {
      files.push_back(pending);
    } else if (entry_state(*same) != EntryState::kIntact &&
               entry_state(pending) == EntryState::kIntact) {
      *same = pending;  // the killed run placed it: the new version is on disk
    }
  }
  std::sort(files.begin(), files.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  merged.files = std::move(files);
  std::set<std::string> dirs(merged.directories.begin(), merged.directories.end());
  dirs.insert((*journal)->directories.begin(), (*journal)->directories.end());
  merged.directories.assign(dirs.begin(), dirs.end());
  return std::optional<InstallManifest>(std::move(merged));
}

Result<std::vector<InstallManifest>> load_all_manifests(const std::string& manifest_dir) {
  std::vector<InstallManifest> out;
  for (const auto& path : children(manifest_dir)) {
    if (!path.ends_with(".json")) continue;
    auto manifest = load_manifest(path);
    if (!manifest) return fail(manifest.error());
    if (*manifest) out.push_back(std::move(**manifest));
  }
  std::sort(out.begin(), out.end(), [](const InstallManifest& a, const InstallManifest& b) {
    return a.runtime < b.runtime;
  });
  return out;
}

Result<void> save_manifest(const std::string& path, const InstallManifest& manifest) {
  if (auto made = make_directories(parent_of(path)); !made) {
    return fail(made.error().wrap("write manifest " + path));
  }
  return write_file_atomic(path, manifest_to_json(manifest), 0644);
}

EntryState entry_state(const ManifestEntry& entry) {
  struct stat st {};
  if (lstat(entry.path.c_str(), &st) != 0) return EntryState::kMissing;
  if (entry.symlink) {
    if (!S_ISLNK(st.st_mode)) return EntryState::kModified;
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = readlink(entry.path.c_str(), target.data(), target.size());
    if (n < 0) return EntryState::kModified;
    target.resize(static_cast<size_t>(n));
    return target == entry.link_target ? EntryState::kIntact : EntryState::kModified;
  }
  if (!S_ISREG(st.st_mode)) return EntryState::kModified;
  auto digest = file_digest_hex(entry.path, DigestAlgorithm::kSha256);
  return digest && *digest == entry.sha256 ? EntryState::kIntact : EntryState::kModified;
}

Result<PurgeResult> purge_runtime(const std::string& runtime, const std::string& manifest_path) {
  auto loaded = load_manifest_with_journal(manifest_path);
  if (!loaded) return fail(loaded.error().wrap("purge " + runtime));
  if (!*loaded) {
    return fail(Error("purge " + runtime + ": no manifest at " + manifest_path +
                      ": mkata did not install " + runtime + " (nothing to purge)"));
  }
  const InstallManifest& manifest = **loaded;
  if (manifest.runtime != runtime) {
    return fail(Error("purge " + runtime + ": manifest " + manifest_path + " is for " +
                      manifest.runtime + ", not " + runtime));
  }
  PurgeResult result{runtime, manifest_path, {}, {}, {}, {}, {}, {}};
  for (const auto& entry : manifest.files) {
    switch (entry_state(entry)) {
      case EntryState::kMissing:
        result.missing.push_back(entry.path);
        break;
      case EntryState::kModified:
        result.kept_modified.push_back(entry.path);
        break;
      case EntryState::kIntact:
        if (unlink(entry.path.c_str()) != 0) {
          return fail(Error::from_errno("remove " + entry.path, errno).wrap("purge " + runtime));
        }
        result.removed.push_back(entry.path);
        break;
    }
  }
  remove_directories(manifest, result);
  if (!result.kept_modified.empty() || !result.kept_directories.empty()) {
    InstallManifest rest = manifest;
    std::erase_if(rest.files, [&](const ManifestEntry& e) {
      return std::find(result.kept_modified.begin(), result.kept_modified.end(), e.path) ==
             result.kept_modified.end();
    });
    rest.directories = result.kept_directories;
    std::sort(rest.directories.begin(), rest.directories.end());
    if (auto saved = save_manifest(manifest_path, rest); !saved) {
      return fail(saved.error().wrap("purge " + runtime));
    }
    unlink(journal_path_for(manifest_path).c_str());  // merged into the manifest just saved
    result.manifest_kept = true;
    return result;
  }
  if (unlink(manifest_path.c_str()) != 0 && errno != ENOENT) {
    return fail(Error::from_errno("remove " + manifest_path, errno).wrap("purge " + runtime));
  }
  if (unlink(journal_path_for(manifest_path).c_str()) != 0 && errno != ENOENT) {
    std::string journal = journal_path_for(manifest_path);
    return fail(Error::from_errno("remove " + journal, errno).wrap("purge " + runtime));
  }
  return result;
}

}  // namespace mkata::artifacts
