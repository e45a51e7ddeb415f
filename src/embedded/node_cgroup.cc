// See node_cgroup.h.
#include "embedded/node_cgroup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::embedded {
namespace {

namespace fs = std::filesystem;

bool is_cgroup2(const std::string& hierarchy) {
  return path_exists(hierarchy + "/cgroup.controllers");
}

// `dir` and every cgroup below it, deepest first.
std::vector<std::string> tree_deepest_first(const std::string& dir) {
  std::vector<std::string> dirs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return dirs;
  dirs.push_back(dir);
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path().string());
  }
  std::stable_sort(dirs.begin(), dirs.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return dirs;
}

// cgroup v1's cpuset: a new cgroup starts with empty cpus/mems and no task can join it.
void inherit_cpuset(const std::string& hierarchy, const std::string& dir) {
  if (!path_exists(hierarchy + "/cpuset.cpus") || is_cgroup2(hierarchy)) return;
  std::string parent = fs::path(dir).parent_path().string();
  for (const char* file : {"/cpuset.cpus", "/cpuset.mems"}) {
    auto mine = read_file(dir + file);
    if (!mine || !trim(*mine).empty()) continue;
    if (auto theirs = read_file(parent + file)) {
      if (FILE* f = std::fopen((dir + file).c_str(), "w")) {
        std::fputs(trim(*theirs).c_str(), f);
        std::fclose(f);
      }
    }
  }
}

Result<void> rmdir_retrying(const std::string& dir) {
  // A cgroup whose last task just exited can be EBUSY for a moment.
  for (int attempt = 0;; ++attempt) {
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || attempt == 49)
      return fail(Error::from_errno("remove cgroup " + dir, errno));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::vector<std::string> cgroup_hierarchies(const std::string& mount_root) {
  if (is_cgroup2(mount_root)) return {mount_root};
  std::vector<std::string> roots;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(mount_root, ec)) {
    if (e.is_directory(ec) && !e.is_symlink(ec) &&
        path_exists(e.path().string() + "/cgroup.procs")) {
      roots.push_back(e.path().string());
    }
  }
  std::sort(roots.begin(), roots.end());
  return roots;
}

std::optional<std::string> tracking_hierarchy(const std::vector<std::string>& hierarchies) {
  for (const auto& h : hierarchies) {
    if (is_cgroup2(h)) return h;
  }
  if (hierarchies.empty()) return std::nullopt;
  return hierarchies.front();
}

Result<void> create_node_cgroups(const NodeLayout& layout, const Ledger& ledger,
                                 const std::string& mount_root) {
  auto hierarchies = cgroup_hierarchies(mount_root);
  // Check everywhere first: a node cgroup that exists in any hierarchy is someone else's.
  for (const auto& h : hierarchies) {
    if (path_exists(h + layout.cgroup_parent)) {
      return fail(Error("cgroup " + h + layout.cgroup_parent +
                        " already exists and this node did not create it")
                      .with_hint("another node may use network '" + layout.options.network_name +
                                 "': choose another --network, or remove the cgroup if nothing "
                                 "uses it"));
    }
  }
  for (const auto& h : hierarchies) {
    for (const std::string& path : {std::string(kCgroupPrefix), layout.cgroup_parent}) {
      std::string dir = h + path;
      if (mkdir(dir.c_str(), 0755) != 0) {
        if (errno == EEXIST && path == kCgroupPrefix) continue;  // shared; never ours to remove
        return fail(Error::from_errno("create cgroup " + dir, errno));
      }
      if (auto r = ledger.record({kChangeCgroup, path, "", h, 0}); !r) {
        rmdir(dir.c_str());
        return r;
      }
      inherit_cpuset(h, dir);
    }
  }
  return {};
}

std::string containerd_cgroup_procs(const NodeLayout& layout, const std::string& mount_root) {
  auto tracking = tracking_hierarchy(cgroup_hierarchies(mount_root));
  if (!tracking) return "";
  return *tracking + layout.cgroup_parent + "/containerd/cgroup.procs";
}

Result<void> make_containerd_cgroup(const NodeLayout& layout, const std::string& mount_root) {
  auto tracking = tracking_hierarchy(cgroup_hierarchies(mount_root));
  if (!tracking) return {};
  std::string dir = *tracking + layout.cgroup_parent + "/containerd";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(Error::from_errno("create cgroup " + dir, errno));
  }
  inherit_cpuset(*tracking, dir);
  return {};
}

std::vector<CgroupDir> recorded_cgroups(const std::vector<HostChange>& changes) {
  std::vector<CgroupDir> dirs;
  for (const auto& c : changes) {
    if (c.kind != kChangeCgroup) continue;
    // Only what up can have written: the prefix or <prefix>/<valid network name>, inside an
    // absolute hierarchy path without '.' components (a damaged ledger never reaches a root).
    std::string prefix = std::string(kCgroupPrefix) + "/";
    NodeOptions name_check;
    name_check.network_name = starts_with(c.name, prefix) ? c.name.substr(prefix.size()) : "";
    bool valid_path = c.name == kCgroupPrefix || name_check.validate().has_value();
    bool valid_hierarchy = !c.detail.empty() && c.detail[0] == '/' &&
                           c.detail.find("/.") == std::string::npos && c.detail.back() != '/';
    if (!valid_path || !valid_hierarchy) continue;
    CgroupDir d{c.detail, c.name};
    if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  }
  return dirs;
}

std::vector<pid_t> pids_in_node_cgroups(const std::vector<CgroupDir>& cgroups) {
  std::vector<pid_t> found;
  for (const auto& c : cgroups) {
    if (c.path == kCgroupPrefix) continue;
    for (const auto& d : tree_deepest_first(c.full())) {
      auto procs = read_file(d + "/cgroup.procs");
      if (!procs) continue;
      for (const auto& line : split(*procs, '\n')) {
        char* end = nullptr;
        long pid = std::strtol(line.c_str(), &end, 10);
        if (pid > 0 && end && *end == '\0') found.push_back(static_cast<pid_t>(pid));
      }
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

Result<void> remove_node_cgroups(const std::vector<CgroupDir>& cgroups) {
  for (const auto& c : cgroups) {
    if (c.path == kCgroupPrefix) continue;
    for (const auto& d : tree_deepest_first(c.full())) {
      if (auto r = rmdir_retrying(d); !r) return r;
    }
  }
  for (const auto& c : cgroups) {
    if (c.path != kCgroupPrefix) continue;
    // Shared by every node: removed only once empty (EBUSY/ENOTEMPTY: another node's inside).
    if (rmdir(c.full().c_str()) != 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY) {
      return fail(Error::from_errno("remove cgroup " + c.full(), errno));
    }
  }
  return {};
}

}  // namespace mkata::embedded
