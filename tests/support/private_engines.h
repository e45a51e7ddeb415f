// Private Docker and Podman instances for integration tests: they never use or change the
// system's engine. PrivateDockerd starts Debian's dockerd with its own data-root, exec-root,
// pidfile, socket and empty config file, on a bridge of the test's own inside 100.64.0.0/10, with
// iptables, ip forwarding and masquerading off (LAB-NOTES.md, "Docker, Podman and KVM"); dockerd
// then starts its own containerd below the exec root. Stopping it (by its PID) also removes the
// bridge and /run/docker (dockerd 20.10 creates /run/docker/plugins whatever it is told) when it
// did not exist before; the trust key goes to the test's directory (`deprecated-key-path`).
// DockerdOptions::binary runs another dockerd instead: Docker Engine 28 from Debian unstable
// (support/fetched_versions.h) runs here with the same flags and the system's containerd 1.6,
// runc and docker-init from PATH; it leaves what 20.10 leaves (/run/docker, the `docker`
// cgroups) and no iptables/ip6tables/nftables rule or chain with --iptables=false
// --ip6tables=false (firewall_rules() compares; docs/targets.md, "Docker Engine 28").
//
// PrivatePodman gives rootful podman its own configuration, storage and network (below).
//
// Test identities (no other test uses them): Docker bridge mk-dock0, 100.64.30.0/24; Podman CNI
// network mk-podnet on bridge mk-pod0, 100.64.31.0/24.
#pragma once

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "support/test_env.h"

namespace mkata::test {

inline constexpr const char* kDockerBridge = "mk-dock0";
inline constexpr const char* kDockerBridgeAddress = "100.64.30.1/24";
/// The docker CLI of Debian's docker.io (another docker client may be first on PATH).
inline constexpr const char* kDockerCli = "/usr/bin/docker";

/// Cgroups an engine creates below every hierarchy's root and never removes (dockerd's "docker"
/// with the cgroupfs driver, Podman's "libpod_parent"): which hierarchies lack `name` now, and
/// removing it (depth-first, empty directories only) from those afterwards.
class EngineCgroups {
 public:
  explicit EngineCgroups(std::string name) : name_(std::move(name)) {
    std::error_code ec;
    for (const auto& h : std::filesystem::directory_iterator("/sys/fs/cgroup", ec)) {
      if (!h.is_directory() || std::filesystem::is_symlink(h.path())) continue;
      auto dir = h.path() / name_;
      if (!std::filesystem::exists(dir)) absent_.push_back(dir.string());
    }
  }
  /// Removes what appeared where it was absent; a cgroup still in use stays (rmdir fails).
  void remove_created() const {
    for (const auto& dir : absent_) {
      std::error_code ec;
      if (!std::filesystem::exists(dir, ec)) continue;
      std::vector<std::string> dirs;
      for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
           it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec)) dirs.push_back(it->path().string());
      }
      std::sort(dirs.rbegin(), dirs.rend());  // children before their parents
      for (const auto& d : dirs) ::rmdir(d.c_str());
      ::rmdir(dir.c_str());
    }
  }

 private:
  std::string name_;
  std::vector<std::string> absent_;
};

/// Which dockerd a PrivateDockerd runs, and how.
struct DockerdOptions {
  std::string binary = "dockerd";  ///< from PATH (Debian 12's 20.10), or a path (Docker 28)
  std::string log_level = "warn";  ///< "info" logs each reload's configuration
};

/// The host's firewall as text to compare before and after: `iptables-save`, `ip6tables-save`
/// (comments and packet counters dropped) and `nft list ruleset` where nft is installed.
inline std::string firewall_rules() {
  std::string out;
  for (std::vector<std::string> argv : {std::vector<std::string>{"iptables-save"},
                                        {"ip6tables-save"},
                                        {"nft", "list", "ruleset"}}) {
    if (!find_executable(argv[0])) continue;
    auto text = run_checked(argv);
    out += "== " + join(argv, " ") + "\n";
    if (!text) {
      out += text.error().message() + "\n";
      continue;
    }
    for (auto line : split(*text, '\n')) {
      if (line.starts_with("#")) continue;
      if (auto at = line.rfind(" ["); at != std::string::npos && line.ends_with("]"))
        line = line.substr(0, at);  // ":INPUT ACCEPT [12:345]"
      out += line + "\n";
    }
  }
  return out;
}

class PrivateDockerd {
 public:
  /// Starts dockerd and waits until its API answers. Error: why it did not start, with the last
  /// lines of its log.
  /// runtimes: the daemon.json `runtimes` object as JSON text ("" = none).
  static Result<std::unique_ptr<PrivateDockerd>> start(const std::string& dir,
                                                       const std::string& runtimes = "",
                                                       const DockerdOptions& how = {}) {
    auto d = std::unique_ptr<PrivateDockerd>(new PrivateDockerd(dir));
    for (const char* p : {"/run/docker"}) {
      if (!path_exists(p)) d->created_host_paths_.push_back(p);
    }
    for (auto argv : std::vector<std::vector<std::string>>{
             {"ip", "link", "add", kDockerBridge, "type", "bridge"},
             {"ip", "addr", "add", kDockerBridgeAddress, "dev", kDockerBridge},
             {"ip", "link", "set", kDockerBridge, "up"}}) {
      if (auto r = run_checked(argv); !r) return fail(r.error());
      d->bridge_created_ = true;
    }
    for (const char* sub : {"/data", "/exec"}) {
      if (auto r = make_directories(dir + sub); !r) return fail(r.error());
    }
    if (auto r = d->write_config(runtimes); !r) return fail(r.error());
    SpawnOptions options;
    options.stdout_path = dir + "/dockerd.log";
    auto child = spawn({how.binary,
                        "--config-file",
                        dir + "/daemon.json",
                        "--data-root",
                        dir + "/data",
                        "--exec-root",
                        dir + "/exec",
                        "--pidfile",
                        dir + "/dockerd.pid",
                        "-H",
                        "unix://" + d->socket(),
                        "--iptables=false",
                        "--ip6tables=false",
                        "--ip-forward=false",
                        "--ip-masq=false",
                        "--bridge",
                        kDockerBridge,
                        "--userland-proxy=false",
                        "--log-level",
                        how.log_level},
                       options);
    if (!child) return fail(child.error());
    d->daemon_.emplace(std::move(*child));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto v = d->docker({"version", "--format", "{{.Server.Version}}"}); v) {
        d->version_ = trim(*v);
        return d;
      }
      if (!d->daemon_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto log = read_file(dir + "/dockerd.log");
    return fail("dockerd did not start: " + (log ? last_lines(*log, 3) : std::string("no log")));
  }

  ~PrivateDockerd() { stop(); }
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  /// Stops dockerd (SIGTERM, then SIGKILL), deletes the bridge and the host paths it created.
  void stop() {
    if (daemon_) {
      daemon_->stop(std::chrono::seconds(20));
      daemon_.reset();
    }
    if (bridge_created_) {
      (void)run({"ip", "link", "del", kDockerBridge});
      bridge_created_ = false;
    }
    std::error_code ec;
    // dockerd (20.10 and 28) bind-mounts its data-root onto itself while it runs and unmounts it
    // when it stops; after a SIGKILL the mount would stay.
    if (auto mounts = read_file("/proc/self/mountinfo");
        mounts && mounts->find(" " + dir_ + "/data ") != std::string::npos) {
      ::umount2((dir_ + "/data").c_str(), MNT_DETACH);
    }
    for (const auto& p : created_host_paths_) std::filesystem::remove_all(p, ec);
    created_host_paths_.clear();
    cgroups_.remove_created();
  }

  /// Rewrites daemon.json with these runtimes and sends dockerd SIGHUP, which reloads them.
  Result<void> reload(const std::string& runtimes) {
    if (auto r = write_config(runtimes); !r) return r;
    if (!daemon_ || ::kill(daemon_->pid(), SIGHUP) != 0) return fail("dockerd is not running");
    return {};
  }

  std::string socket() const { return dir_ + "/docker.sock"; }
  std::string config_file() const { return dir_ + "/daemon.json"; }
  std::string log_file() const { return dir_ + "/dockerd.log"; }
  pid_t pid() const { return daemon_ ? daemon_->pid() : -1; }
  std::string host() const { return "unix://" + socket(); }
  const std::string& version() const { return version_; }

  /// Runs `docker -H <ours> args...`; stdout, or an error with docker's last stderr line.
  Result<std::string> docker(std::vector<std::string> args,
                             std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    args.insert(args.begin(), {kDockerCli, "-H", host()});
    RunOptions options;
    options.timeout = timeout;
    return run_checked(args, options);
  }

 private:
  explicit PrivateDockerd(std::string dir) : dir_(std::move(dir)) {}

  // deprecated-key-path: 20.10 otherwise writes its trust key to /etc/docker/key.json.
  Result<void> write_config(const std::string& runtimes) const {
    std::string config = "{\"deprecated-key-path\": \"" + dir_ + "/key.json\"";
    if (!runtimes.empty()) config += ", \"runtimes\": " + runtimes;
    return write_file_atomic(config_file(), config + "}\n");
  }

  static std::string last_lines(const std::string& text, size_t n) {
    auto lines = split(trim(text), '\n');
    if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
    return join(lines, " | ");
  }

  std::string dir_;
  std::optional<ChildProcess> daemon_;
  bool bridge_created_ = false;
  std::vector<std::string> created_host_paths_;
  std::string version_;
  EngineCgroups cgroups_{"docker"};  ///< dockerd's cgroup parent with the cgroupfs driver
};

/// Rootful podman with private storage, network and config under dir, chosen the way a user
/// would: CONTAINERS_CONF and CONTAINERS_STORAGE_CONF name the test's own containers.conf
/// (cgroupfs, file events, its tmp dir, its CNI config dir and default network) and storage.conf
/// (vfs, its graph root and run root). env() gives both for a child; set_process_env() puts them
/// into this process for code that runs podman itself (validate's Podman target).
///
/// The network is a CNI bridge of the test's own (mk-pod0, 100.64.31.0/24, no masquerading, no
/// firewall plugin). What Podman 4.3 still writes outside dir is removed when this object goes
/// away, where the test created it: /var/lib/containers (its blob-info cache), the bridge,
/// host-local's /var/lib/cni/networks/mk-podnet, /run/netns (a shared bind mount of itself) and
/// /run/{runc,crun,runsc} (the runtimes' default state roots, which Podman does not set).
class PrivatePodman {
 public:
  explicit PrivatePodman(std::string dir) : dir_(std::move(dir)) {
    for (const char* p : {kSystemStore, "/var/lib/cni/networks/mk-podnet", "/var/lib/cni/networks",
                          "/var/lib/cni/results", "/var/lib/cni", "/run/containers", "/run/libpod",
                          // the OCI runtimes' default state roots: Podman runs them without --root
                          "/run/runc", "/run/crun", "/run/runsc"}) {
      if (!path_exists(p)) created_paths_.push_back(p);
    }
    bridge_existed_ = path_exists(std::string("/sys/class/net/") + kPodmanBridge);
    netns_existed_ = path_exists(kNetnsDir);
    (void)make_directories(dir_ + "/net");
    (void)make_directories(dir_ + "/tmp");
    (void)write_file_atomic(conf(),
                            "[engine]\ncgroup_manager = \"cgroupfs\"\n"
                            "events_logger = \"file\"\ntmp_dir = \"" +
                                dir_ +
                                "/tmp\"\n"
                                "[network]\nnetwork_config_dir = \"" +
                                dir_ +
                                "/net\"\n"
                                "default_network = \"mk-podnet\"\n");
    (void)write_file_atomic(storage_conf(), "[storage]\ndriver = \"vfs\"\nrunroot = \"" + dir_ +
                                                "/run\"\ngraphroot = \"" + dir_ + "/root\"\n");
    (void)write_file_atomic(
        dir_ + "/net/mk-podnet.conflist",
        std::string(R"({"cniVersion": "0.4.0", "name": "mk-podnet", "plugins": [)") +
            R"({"type": "bridge", "bridge": ")" + kPodmanBridge +
            R"(", "isGateway": true, "ipMasq": false, "hairpinMode": true,)" +
            R"( "ipam": {"type": "host-local", "routes": [{"dst": "0.0.0.0/0"}],)" +
            R"( "ranges": [[{"subnet": "100.64.31.0/24", "gateway": "100.64.31.1"}]]}}]})" + "\n");
  }
  ~PrivatePodman() {
    (void)podman({"rm", "--all", "--force", "--time", "0"});
    restore_process_env();
    std::error_code ec;
    if (!bridge_existed_) (void)run({"ip", "link", "del", kPodmanBridge});
    // Podman puts its netns files in /run/netns and makes the directory a shared bind mount of
    // itself (as `ip netns` does); when the test created it and it is empty again, both go.
    if (!netns_existed_ && std::filesystem::is_empty(kNetnsDir, ec)) {
      ::umount2(kNetnsDir, MNT_DETACH);
      ::rmdir(kNetnsDir);
    }
    for (const auto& p : created_paths_) std::filesystem::remove_all(p, ec);
    cgroups_.remove_created();
  }
  PrivatePodman(const PrivatePodman&) = delete;
  PrivatePodman& operator=(const PrivatePodman&) = delete;

  std::string conf() const { return dir_ + "/containers.conf"; }
  std::string storage_conf() const { return dir_ + "/storage.conf"; }
  std::vector<std::string> env() const {
    return {"CONTAINERS_CONF=" + conf(), "CONTAINERS_STORAGE_CONF=" + storage_conf()};
  }
  /// Sets both variables in this process (until destruction).
  void set_process_env() {
    for (const char* name : {"CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF"}) {
      const char* old = std::getenv(name);
      saved_env_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    }
    setenv("CONTAINERS_CONF", conf().c_str(), 1);
    setenv("CONTAINERS_STORAGE_CONF", storage_conf().c_str(), 1);
  }

  Result<std::string> podman(std::vector<std::string> args,
                             std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    args.insert(args.begin(), "podman");
    RunOptions options;
    options.timeout = timeout;
    options.env = env();
    return run_checked(args, options);
  }

 private:
  static constexpr const char* kSystemStore = "/var/lib/containers";
  static constexpr const char* kPodmanBridge = "mk-pod0";
  static constexpr const char* kNetnsDir = "/run/netns";
  void restore_process_env() {
    for (const auto& [name, value] : saved_env_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
    saved_env_.clear();
  }
  std::string dir_;
  std::vector<std::string> created_paths_;
  bool bridge_existed_ = false;
  bool netns_existed_ = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_env_;
  EngineCgroups cgroups_{"libpod_parent"};  ///< Podman's cgroup parent with cgroupfs
};

}  // namespace mkata::test
