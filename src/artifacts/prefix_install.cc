// See prefix_install.h. Three passes: scan the staging tree, plan every path against the disk
// and the previous manifest (no writes), then apply. Conflicts are found in the planning pass so
// that a refused install writes nothing.
#include "artifacts/prefix_install.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>

#include "artifacts/checksum.h"
#include "core/files.h"
#include "core/strings.h"

namespace mkata::artifacts {
namespace {

namespace fs = std::filesystem;

enum class Action { kAdd, kReplace, kUnchanged };

struct StagedPath {
  std::string relative;
  std::string source;  // path inside the staging tree
  bool directory = false;
  mode_t dir_mode = 0755;
  ManifestEntry entry;  // for files and symlinks, with the final path
  Action action = Action::kAdd;
};

Result<std::string> read_link(const std::string& path) {
  std::error_code ec;
  fs::path target = fs::read_symlink(path, ec);
  if (ec) return fail(Error("read link " + path + ": " + ec.message()));
  return target.string();
}

Result<std::vector<StagedPath>> scan(const std::string& root, const std::string& prefix) {
  std::vector<StagedPath> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    StagedPath p;
    p.source = it->path().string();
    p.relative = p.source.substr(root.size() + 1);
    p.entry.path = prefix + "/" + p.relative;
    struct stat st {};
    if (lstat(p.source.c_str(), &st) != 0)
      return fail(Error::from_errno("scan " + p.source, errno));
    if (S_ISDIR(st.st_mode)) {
      p.directory = true;
      p.dir_mode = st.st_mode & 0777;
    } else if (S_ISLNK(st.st_mode)) {
      auto target = read_link(p.source);
      if (!target) return fail(target.error());
      p.entry.symlink = true;
      p.entry.link_target = *target;
    } else if (S_ISREG(st.st_mode)) {
      auto digest = file_digest_hex(p.source, DigestAlgorithm::kSha256);
      if (!digest) return fail(digest.error());
      p.entry.sha256 = *digest;
      p.entry.mode = st.st_mode & 0777;
    } else {
      return fail(Error("scan " + p.source + ": not a file, directory or symlink"));
    }
    out.push_back(std::move(p));
  }
  if (ec) return fail(Error("scan " + root + ": " + ec.message()));
  std::sort(out.begin(), out.end(),
            [](const StagedPath& a, const StagedPath& b) { return a.relative < b.relative; });
  return out;
}

bool same_mode(const ManifestEntry& entry) {
  struct stat st {};
  return entry.symlink ||
         (lstat(entry.path.c_str(), &st) == 0 && (st.st_mode & 07777) == entry.mode);
}

// Decides what to do with one staged path; returns false for a conflict.
bool plan_one(StagedPath& p, const std::map<std::string, ManifestEntry>& previous, bool force) {
  struct stat st {};
  bool exists = lstat(p.entry.path.c_str(), &st) == 0;
  if (p.directory) return !exists || S_ISDIR(st.st_mode);
  if (!exists) {
    p.action = Action::kAdd;
    return true;
  }
  if (S_ISDIR(st.st_mode)) return false;  // never replace a directory with a file
  if (entry_state(p.entry) == EntryState::kIntact && same_mode(p.entry)) {
    p.action = Action::kUnchanged;
    return true;
  }
  p.action = Action::kReplace;
  auto old = previous.find(p.entry.path);
  return force || (old != previous.end() && entry_state(old->second) == EntryState::kIntact);
}

// Ancestors of prefix (and prefix) that do not exist yet, outermost first.
std::vector<std::string> missing_ancestors(const std::string& prefix) {
  std::vector<std::string> out;
  std::string dir = prefix;
  while (!dir.empty() && dir != "/" && !path_exists(dir)) {
    out.insert(out.begin(), dir);
    dir = dir.substr(0, dir.rfind('/'));
  }
  return out;
}

// Moves a file or symlink into place. Across file systems (the prefix is its own mount), copy
// into a temp name beside the target first, then rename: still atomic for readers.
Result<void> move_into_place(const StagedPath& p) {
  const std::string& dest = p.entry.path;
  if (rename(p.source.c_str(), dest.c_str()) == 0) return {};
  if (errno != EXDEV) return fail(Error::from_errno("install " + dest, errno));
  if (p.entry.symlink) {
    std::string tmp = dest + ".mkata-new";
    unlink(tmp.c_str());
    if (symlink(p.entry.link_target.c_str(), tmp.c_str()) != 0 ||
        rename(tmp.c_str(), dest.c_str()) != 0) {
      return fail(Error::from_errno("install " + dest, errno));
    }
    return {};
  }
  auto content = read_file(p.source);
  if (!content) return fail(content.error().wrap("install " + dest));
  return write_file_atomic(dest, *content, p.entry.mode);
}

Result<void> apply(std::vector<StagedPath>& plan, const std::string& prefix, Placement& out) {
  for (const auto& dir : missing_ancestors(prefix)) {
    if (mkdir(dir.c_str(), 0755) != 0) return fail(Error::from_errno("create " + dir, errno));
    out.created_directories.push_back(dir);
  }
  for (auto& p : plan) {
    if (p.directory) {
      if (path_exists(p.entry.path)) continue;
      if (mkdir(p.entry.path.c_str(), p.dir_mode) != 0 || chmod(p.entry.path.c_str(), p.dir_mode)) {
        return fail(Error::from_errno("create " + p.entry.path, errno));
      }
      out.created_directories.push_back(p.entry.path);
      continue;
    }
    if (p.action == Action::kUnchanged) {
      out.unchanged.push_back(p.entry.path);
    } else {
      if (auto moved = move_into_place(p); !moved) return fail(moved.error());
      (p.action == Action::kAdd ? out.added : out.replaced).push_back(p.entry.path);
    }
    out.entries.push_back(p.entry);
  }
  return {};
}

void remove_stale(const InstallManifest* previous, Placement& out) {
  if (!previous) return;
  std::set<std::string> current;
  for (const auto& e : out.entries) current.insert(e.path);
  for (const auto& old : previous->files) {
    if (current.contains(old.path)) continue;
    EntryState state = entry_state(old);
    if (state == EntryState::kIntact && unlink(old.path.c_str()) == 0) {
      out.removed_stale.push_back(old.path);
    } else if (state != EntryState::kMissing) {
      out.kept_stale.push_back(old.path);
    }
  }
}

}  // namespace

Result<Placement> place_tree(const PlaceOptions& options) {
  std::string context = "install into " + options.prefix;
  auto plan = scan(options.staged_root, options.prefix);
  if (!plan) return fail(plan.error().wrap(context));
  std::map<std::string, ManifestEntry> previous;
  if (options.previous) {
    for (const auto& e : options.previous->files) previous.emplace(e.path, e);
  }
  std::vector<std::string> conflicts;
  for (auto& p : *plan) {
    if (!plan_one(p, previous, options.force)) conflicts.push_back(p.entry.path);
  }
  if (!conflicts.empty()) {
    size_t n = conflicts.size();
    if (n > 5) {
      conflicts.resize(5);
      conflicts.push_back("...");
    }
    return fail(Error(context + ": " + std::to_string(n) + (n == 1 ? " path is" : " paths are") +
                      " in the way (not installed by mkata, or modified since): " +
                      join(conflicts, ", ") + "; move them away or use --force"));
  }
  Placement out;
  if (auto applied = apply(*plan, options.prefix, out); !applied) {
    return fail(applied.error().wrap(context));
  }
  remove_stale(options.previous, out);
  std::set<std::string> dirs(out.created_directories.begin(), out.created_directories.end());
  if (options.previous) {
    for (const auto& d : options.previous->directories) {
      if (path_exists(d)) dirs.insert(d);
    }
  }
  out.directories.assign(dirs.begin(), dirs.end());
  return out;
}

}  // namespace mkata::artifacts
