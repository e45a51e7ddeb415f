// See host_state.h. Everything here reads the kernel's tables directly; only link deletion and
// iptables go through their command-line tools (argv, never a shell).
#include "embedded/host_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "embedded/nat_cleanup.h"
#include "embedded/node_cgroup.h"

namespace mkata::embedded {
namespace {

namespace fs = std::filesystem;

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  DIR* d = opendir("/proc");
  if (!d) return pids;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end && *end == '\0' && pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return pids;
}

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_path(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 3 < raw.size()) {
      int v = 0;
      bool ok = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = raw[i + k];
        ok = ok && c >= '0' && c <= '7';
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

bool under(const std::string& path, const std::string& dir) {
  return path == dir || starts_with(path, dir + "/");
}

}  // namespace

std::vector<pid_t> pids_mentioning(const std::string& needle) {
  std::vector<pid_t> found;
  pid_t self = getpid();
  for (pid_t pid : all_pids()) {
    if (pid == self) continue;
    auto cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    if (!cmdline) continue;
    std::replace(cmdline->begin(), cmdline->end(), '\0', ' ');
    if (cmdline->find(needle) != std::string::npos) found.push_back(pid);
  }
  return found;
}

std::vector<pid_t> pids_in_cgroup(const std::string& parent) {
  std::vector<pid_t> found;
  for (const auto& dir : cgroup_dirs(parent)) {
    std::error_code ec;
    std::vector<std::string> dirs{dir};
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
      if (e.is_directory(ec)) dirs.push_back(e.path().string());
    }
    for (const auto& d : dirs) {
      auto procs = read_file(d + "/cgroup.procs");
      if (!procs) continue;
      for (const auto& line : split(*procs, '\n')) {
        pid_t pid = 0;  // from_chars: std::stol would throw on a malformed line
        std::string text = trim(line);
        auto parsed = std::from_chars(text.data(), text.data() + text.size(), pid);
        if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size() && pid > 0) {
          found.push_back(pid);
        }
      }
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

std::vector<std::string> process_argv(pid_t pid) {
  auto cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline || cmdline->empty()) return {};
  if (cmdline->back() == '\0') cmdline->pop_back();
  return split(*cmdline, '\0');
}

unsigned long long process_start_time(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  auto close_paren = stat->rfind(')');  // the command name may itself contain ") "
  if (close_paren == std::string::npos) return 0;
  auto fields = split(stat->substr(close_paren + 2), ' ');
  // fields[0] is field 3 (state); the start time is field 22.
  if (fields.size() < 20) return 0;
  return std::strtoull(fields[19].c_str(), nullptr, 10);
}

bool process_gone(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  auto close_paren = stat->rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < stat->size() &&
         (*stat)[close_paren + 2] == 'Z';
}

std::vector<pid_t> kill_and_wait(const std::vector<pid_t>& pids, int signal,
                                 std::chrono::milliseconds timeout) {
  for (pid_t pid : pids) kill(pid, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<pid_t> alive = pids;
  while (true) {
    std::erase_if(alive, process_gone);
    if (alive.empty() || std::chrono::steady_clock::now() >= deadline) return alive;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<std::string> mounts_under(const std::string& dir) {
  std::vector<std::string> found;
  auto info = read_file("/proc/self/mountinfo");
  if (!info) return found;
  for (const auto& line : split(*info, '\n')) {
    auto fields = split(line, ' ');
    if (fields.size() < 5) continue;
    std::string point = unescape_mount_path(fields[4]);
    if (under(point, dir)) found.push_back(point);
  }
  // Deepest first, and a path mounted twice is listed twice (both must go).
  std::stable_sort(found.begin(), found.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return found;
}

Result<void> unmount_under(const std::string& dir) {
  for (int round = 0; round < 5; ++round) {
    auto points = mounts_under(dir);
    if (points.empty()) return {};
    for (const auto& p : points) {
      if (umount2(p.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        return fail(Error::from_errno("unmount " + p, errno));
      }
    }
  }
  if (auto left = mounts_under(dir); !left.empty()) {
    return fail("unmount " + left.front() + ": still mounted");
  }
  return {};
}

std::vector<std::string> cgroup_dirs(const std::string& parent) {
  std::vector<std::string> found;
  if (parent.empty() || parent == "/") return found;
  for (const auto& root : cgroup_hierarchies()) {
    std::string dir = root + parent;
    if (path_exists(dir)) found.push_back(dir);
  }
  return found;
}

namespace {
// "<network>-<64 hex container id>-<ifname>": a bare prefix match would let network "mk" take
// the entries of network "mk-node0".
bool cache_entry_of(const std::string& file, const std::string& network) {
  if (!starts_with(file, network + "-")) return false;
  std::string rest = file.substr(network.size() + 1);
  if (rest.size() < 66 || rest[64] != '-') return false;
  return std::all_of(rest.begin(), rest.begin() + 64,
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ||
                                         (c >= 'a' && c <= 'f'); });
}
}  // namespace

std::vector<std::string> cni_cache_entries(const std::string& network, const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (cache_entry_of(e.path().filename().string(), network)) found.push_back(e.path());
  }
  return found;
}

namespace {
Result<void> remove_cache_files(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    if (unlink(f.c_str()) != 0 && errno != ENOENT) {
      return fail(Error::from_errno("remove CNI cache entry " + f, errno));
    }
  }
  return {};
}
}  // namespace

Result<void> remove_cni_cache(const std::string& network, const std::string& dir) {
  return remove_cache_files(cni_cache_entries(network, dir));
}

std::vector<std::string> node_cni_cache_entries(const std::string& network,
                                                const std::vector<std::string>& pod_ids,
                                                const std::string& dir) {
  auto found = cni_cache_entries(network, dir);
  for (const auto& id : pod_ids) {
    std::string loopback = dir + "/cni-loopback-" + id + "-lo";
    if (!id.empty() && path_exists(loopback)) found.push_back(loopback);
  }
  return found;
}

Result<void> remove_node_cni_cache(const std::string& network,
                                   const std::vector<std::string>& pod_ids,
                                   const std::string& dir) {
  return remove_cache_files(node_cni_cache_entries(network, pod_ids, dir));
}

bool link_exists(const std::string& name) { return path_exists("/sys/class/net/" + name); }

std::vector<std::string> links_of_bridge(const std::string& bridge) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/class/net/" + bridge + "/brif", ec)) {
    found.push_back(e.path().filename());
  }
  return found;
}

Result<void> delete_link(const std::string& name) {
  if (!link_exists(name)) return {};
  auto r = run({"ip", "link", "delete", name});
  if (!r) return fail(r.error().wrap("delete link " + name));
  if (!r->ok() && link_exists(name)) return fail("delete link " + name + ": " + r->describe());
  return {};
}

Result<std::string> read_sysctl(const std::string& key) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  auto v = read_file(path);
  if (!v) return fail(v.error().wrap("read sysctl " + key));
  return trim(*v);
}

Result<void> write_sysctl(const std::string& key, const std::string& value) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("write sysctl " + key + "=" + value, errno));
  std::string line = value + "\n";
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  int err = errno;
  close(fd);
  if (!ok) return fail(Error::from_errno("write sysctl " + key + "=" + value, err));
  return {};
}

std::string shim_socket_path(const std::string& containerd_address, const std::string& ns,
                             const std::string& id) {
  std::string key = containerd_address + "/" + ns + "/" + id;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(key.data(), key.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return "/run/containerd/s/" + hex;
}

std::vector<std::string> nat_leftovers(const std::string& tool, const std::string& network,
                                       const std::vector<std::string>& pod_ids) {
  auto saved = run({tool + "-save", "-t", "nat"});
  if (!saved || !saved->ok()) return {};
  auto cleanup = find_nat_leftovers(saved->out, network, pod_ids);
  std::vector<std::string> all = cleanup.chains;
  all.insert(all.end(), cleanup.rules.begin(), cleanup.rules.end());
  return all;
}

Result<void> clean_nat_table(const std::string& tool, const std::string& network,
                             const std::vector<std::string>& pod_ids) {
  if (!find_executable(tool + "-save")) return {};
  auto saved = run({tool + "-save", "-t", "nat"});
  if (!saved || !saved->ok()) return {};  // no nat table: nothing of ours can be there
  std::string script = nat_restore_script(find_nat_leftovers(saved->out, network, pod_ids));
  if (script.empty()) return {};
  RunOptions options;
  options.input = script;
  auto restored = run_checked({tool + "-restore", "--noflush"}, options);
  if (!restored) return fail(restored.error().wrap("remove " + tool + " nat chains of " + network));
  return {};
}

}  // namespace mkata::embedded
