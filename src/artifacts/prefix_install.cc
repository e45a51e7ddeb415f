// See prefix_install.h. Three passes: scan the staging tree, plan every path against the disk
// and the previous manifest (no writes), then apply. Conflicts are found in the planning pass so
// that a refused install writes nothing.
#include "artifacts/prefix_install.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "artifacts/checksum.h"
#include "core/files.h"
#include "core/strings.h"
#include "core/utf8.h"

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
      int e = errno;
      unlink(tmp.c_str());
      return fail(Error::from_errno("install " + dest, e));
    }
    return {};
  }
  auto content = read_file(p.source);
  if (!content) return fail(content.error().wrap("install " + dest));
  return write_file_atomic(dest, *content, p.entry.mode);
}

// Copies a file or symlink from one path to another, keeping its bytes and mode (or target);
// for the moves that cannot be renames or hard links (another file system).
Result<void> copy_entry(const std::string& from, const std::string& to) {
  struct stat st {};
  if (lstat(from.c_str(), &st) != 0) return fail(Error::from_errno("copy " + from, errno));
  if (S_ISLNK(st.st_mode)) {
    auto target = read_link(from);
    if (!target) return fail(target.error());
    std::string tmp = to + ".mkata-new";
    unlink(tmp.c_str());
    if (symlink(target->c_str(), tmp.c_str()) != 0 || rename(tmp.c_str(), to.c_str()) != 0) {
      int e = errno;
      unlink(tmp.c_str());
      return fail(Error::from_errno("write " + to, e));
    }
    return {};
  }
  auto content = read_file(from);
  if (!content) return fail(content.error());
  return write_file_atomic(to, *content, st.st_mode & 07777);
}

// One change to the prefix and how to undo it.
struct Change {
  enum class Kind { kCreatedDirectory, kAddedFile, kSavedOld } kind;
  std::string path;    // in the prefix
  std::string backup;  // kSavedOld: the old file, in the backup directory
};

// The changes made so far, with the directory that holds the old versions of replaced and
// removed files until the placement is committed.
class Transaction {
 public:
  explicit Transaction(std::string backup_dir) : backup_dir_(std::move(backup_dir)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    std::error_code ec;
    if (!backup_dir_.empty()) fs::remove_all(backup_dir_, ec);
  }

  void created_directory(const std::string& path) {
    changes_.push_back({Change::Kind::kCreatedDirectory, path, ""});
  }
  void added_file(const std::string& path) {
    changes_.push_back({Change::Kind::kAddedFile, path, ""});
  }

  // Keeps the current file at path (a hard link: same inode, same mtime; a copy across file
  // systems) so that it can be put back.
  Result<void> save_old(const std::string& path) {
    std::string backup = backup_dir_ + "/" + std::to_string(changes_.size());
    if (link(path.c_str(), backup.c_str()) != 0) {
      if (errno != EXDEV && errno != EPERM && errno != EMLINK) {
        return fail(Error::from_errno("back up " + path, errno));
      }
      if (auto copied = copy_entry(path, backup); !copied) {
        return fail(copied.error().wrap("back up " + path));
      }
    }
    changes_.push_back({Change::Kind::kSavedOld, path, backup});
    return {};
  }

  // Removes path, keeping it for an undo: a rename into the backup directory, or a copy and an
  // unlink across file systems.
  Result<void> remove_old(const std::string& path) {
    std::string backup = backup_dir_ + "/" + std::to_string(changes_.size());
    if (rename(path.c_str(), backup.c_str()) != 0) {
      if (errno != EXDEV) return fail(Error::from_errno("remove " + path, errno));
      if (auto copied = copy_entry(path, backup); !copied) return fail(copied.error());
      if (unlink(path.c_str()) != 0) {
        int e = errno;
        unlink(backup.c_str());
        return fail(Error::from_errno("remove " + path, e));
      }
    }
    changes_.push_back({Change::Kind::kSavedOld, path, backup});
    return {};
  }

  // Undoes every change, newest first. Returns the paths that could not be restored, each with
  // its reason.
  std::vector<std::string> roll_back() {
    std::vector<std::string> failed;
    for (auto it = changes_.rbegin(); it != changes_.rend(); ++it) {
      const std::string& path = it->path;
      switch (it->kind) {
        case Change::Kind::kCreatedDirectory:
          if (rmdir(path.c_str()) != 0 && errno != ENOENT) {
            failed.push_back(Error::from_errno(path, errno).message());
          }
          break;
        case Change::Kind::kAddedFile:
          if (unlink(path.c_str()) != 0 && errno != ENOENT) {
            failed.push_back(Error::from_errno(path, errno).message());
          }
          break;
        case Change::Kind::kSavedOld:
          if (rename(it->backup.c_str(), path.c_str()) == 0) break;
          if (errno != EXDEV) {
            failed.push_back(Error::from_errno(path, errno).message());
          } else if (auto copied = copy_entry(it->backup, path); !copied) {
            failed.push_back(copied.error().message());
          }
          break;
      }
    }
    changes_.clear();
    return failed;
  }

 private:
  std::string backup_dir_;
  std::vector<Change> changes_;
};

Result<void> apply(std::vector<StagedPath>& plan, const std::string& prefix,
                   Transaction& transaction, Placement& out) {
  for (const auto& dir : missing_ancestors(prefix)) {
    if (mkdir(dir.c_str(), 0755) != 0) return fail(Error::from_errno("create " + dir, errno));
    transaction.created_directory(dir);
    out.created_directories.push_back(dir);
  }
  for (auto& p : plan) {
    if (p.directory) {
      if (path_exists(p.entry.path)) continue;
      if (mkdir(p.entry.path.c_str(), p.dir_mode) != 0) {
        return fail(Error::from_errno("create " + p.entry.path, errno));
      }
      transaction.created_directory(p.entry.path);
      if (chmod(p.entry.path.c_str(), p.dir_mode) != 0) {
        return fail(Error::from_errno("create " + p.entry.path, errno));
      }
      out.created_directories.push_back(p.entry.path);
      continue;
    }
    if (p.action == Action::kUnchanged) {
      out.unchanged.push_back(p.entry.path);
    } else {
      if (p.action == Action::kReplace) {
        if (auto saved = transaction.save_old(p.entry.path); !saved) return fail(saved.error());
      }
      if (auto moved = move_into_place(p); !moved) return fail(moved.error());
      if (p.action == Action::kAdd) transaction.added_file(p.entry.path);
      (p.action == Action::kAdd ? out.added : out.replaced).push_back(p.entry.path);
    }
    out.entries.push_back(p.entry);
  }
  return {};
}

Result<void> remove_stale(const InstallManifest* previous, Transaction& transaction,
                          Placement& out) {
  if (!previous) return {};
  std::set<std::string> current;
  for (const auto& e : out.entries) current.insert(e.path);
  for (const auto& old : previous->files) {
    if (current.contains(old.path)) continue;
    EntryState state = entry_state(old);
    if (state == EntryState::kIntact) {
      if (auto removed = transaction.remove_old(old.path); !removed) return fail(removed.error());
      out.removed_stale.push_back(old.path);
    } else if (state != EntryState::kMissing) {
      out.kept_stale.push_back(old.path);
    }
  }
  return {};
}

// What the journal records: every file and directory that is or may become mkata's during this
// placement, so that whatever state a kill leaves, purge and the next install know it.
InstallManifest journal_for(const PlaceOptions& options, const std::vector<StagedPath>& plan) {
  InstallManifest journal;
  journal.runtime = options.runtime;
  journal.version = "unknown";
  journal.source = "(interrupted install)";
  journal.prefix = options.prefix;
  std::set<std::string> dirs;
  if (options.previous) {
    journal.files = options.previous->files;
    dirs.insert(options.previous->directories.begin(), options.previous->directories.end());
  }
  for (const auto& dir : missing_ancestors(options.prefix)) dirs.insert(dir);
  for (const auto& p : plan) {
    if (p.directory) {
      if (!path_exists(p.entry.path)) dirs.insert(p.entry.path);
    } else if (p.action != Action::kUnchanged) {
      journal.files.push_back(p.entry);
    }
  }
  journal.directories.assign(dirs.begin(), dirs.end());
  return journal;
}

// A private directory for the old versions of replaced and removed files, beside the staged
// tree (so on the file system of the staging directory: hard links and renames work whenever
// the staging rename does).
Result<std::string> make_backup_dir(const std::string& staged_root) {
  size_t slash = staged_root.rfind('/');
  std::string parent =
      slash == std::string::npos || slash == 0 ? "/" : staged_root.substr(0, slash);
  std::string pattern = parent + "/.mkata-backup-XXXXXX";
  if (!mkdtemp(pattern.data())) return fail(Error::from_errno("create " + pattern, errno));
  return pattern;
}

}  // namespace

Result<Placement> place_tree(const PlaceOptions& options, const CommitPlacement& commit) {
  std::string context = "install into " + options.prefix;
  auto plan = scan(options.staged_root, options.prefix);
  if (!plan) return fail(plan.error().wrap(context));
  std::map<std::string, ManifestEntry> previous;
  if (options.previous) {
    for (const auto& e : options.previous->files) previous.emplace(e.path, e);
  }
  for (const auto& p : *plan) {
    if (!is_valid_utf8(p.entry.path)) {
      // The manifest is JSON: a path it cannot hold could never be purged.
      return fail(Error(context + ": " + printable(p.entry.path) + ": name is not valid UTF-8"));
    }
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
  auto backup_dir = make_backup_dir(options.staged_root);
  if (!backup_dir) return fail(backup_dir.error().wrap(context));
  Transaction transaction(*backup_dir);
  if (!options.journal_path.empty()) {
    if (auto saved = save_manifest(options.journal_path, journal_for(options, *plan)); !saved) {
      return fail(saved.error().wrap(context));
    }
  }
  Placement out;
  auto done = [&]() -> Result<void> {
    if (auto applied = apply(*plan, options.prefix, transaction, out); !applied) return applied;
    if (auto removed = remove_stale(options.previous, transaction, out); !removed) return removed;
    std::set<std::string> dirs(out.created_directories.begin(), out.created_directories.end());
    if (options.previous) {
      for (const auto& d : options.previous->directories) {
        if (path_exists(d)) dirs.insert(d);
      }
    }
    out.directories.assign(dirs.begin(), dirs.end());
    return commit ? commit(out) : Result<void>{};
  }();
  if (!done) {
    Error error = done.error().wrap(context);
    std::vector<std::string> left = transaction.roll_back();
    if (!left.empty()) {
      // The journal stays: it lists everything this run may have left in the prefix.
      return fail(Error(error.message() + "; undoing the placement failed for " + join(left, "; ") +
                            " (" + options.journal_path +
                            " lists what mkata placed: install again, or uninstall --purge)",
                        error.kind()));
    }
    if (!options.journal_path.empty()) unlink(options.journal_path.c_str());
    return fail(error);
  }
  if (!options.journal_path.empty()) unlink(options.journal_path.c_str());
  return out;
}

}  // namespace mkata::artifacts
