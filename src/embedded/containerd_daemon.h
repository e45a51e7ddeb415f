// A private containerd: the Debian package's binary, started with a generated or given config and
// every path (root, state, gRPC and ttrpc sockets, the opt plugin dir, the log) under one state
// directory, so that several instances can run side by side with the host's and with each other.
// Used by the embedded node, by `images import` tests and by the install read-back tests.
//
// Lifetime: start() returns once the gRPC socket accepts connections (~0.2 s here, LAB-NOTES.md);
// stop() sends SIGTERM and waits. Pods and shims outlive containerd, so callers that ran pods must
// stop and remove them through CRI *before* stop().
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"

namespace mkata {

/// Where a private containerd keeps everything, derived from one state directory.
struct ContainerdPaths {
  std::string state_dir;      ///< the one directory everything lives under
  std::string root;           ///< <state_dir>/root      (content, snapshots, metadata)
  std::string state;          ///< <state_dir>/state     (runtime state, netns mounts)
  std::string address;        ///< <state_dir>/containerd.sock (gRPC)
  std::string ttrpc_address;  ///< <state_dir>/containerd.sock.ttrpc
  std::string opt;            ///< <state_dir>/opt       (io.containerd.internal.v1.opt)
  std::string config;         ///< <state_dir>/config.toml
  std::string log;            ///< <state_dir>/containerd.log

  /// The layout for a state directory (no I/O).
  static ContainerdPaths under(const std::string& state_dir);
};

/// The top of a containerd config (`version = <schema>`: 2 for containerd 1.x, 3 for 2.x) that
/// pins every path to `paths`. Callers append plugin tables (for example
/// `[plugins."io.containerd.grpc.v1.cri"]`) after it.
std::string private_containerd_config(const ContainerdPaths& paths, int schema = 2);

/// How to start a private containerd.
struct ContainerdOptions {
  std::string state_dir;        ///< required; created if missing
  /// The full config.toml text. Empty: private_containerd_config() alone. It is written to
  /// <state_dir>/config.toml; --root, --state and --address on the command line always override
  /// what the text says, so a foreign config (e.g. a rendered MicroK8s template) stays private.
  std::string config_toml;
  std::string binary = "containerd";  ///< program name or path
  /// Extra environment entries for containerd ("PATH=<its package dir>:..." so that its shims
  /// are those of the same package: containerd_program.h).
  std::vector<std::string> env{};
  std::chrono::milliseconds start_timeout{std::chrono::seconds(15)};
  std::string log_level = "info";
  /// A cgroup.procs file containerd joins before exec ("" = ours); its shims inherit it.
  std::string cgroup_procs{};
};

/// A running private containerd. Move-only; the destructor stops it if still running.
class ContainerdDaemon {
 public:
  /// Starts containerd and waits until its gRPC socket accepts connections. On failure nothing
  /// is left running and the error quotes the last lines of containerd's log.
  static Result<ContainerdDaemon> start(const ContainerdOptions& options);

  ContainerdDaemon(ContainerdDaemon&&) = default;
  ContainerdDaemon& operator=(ContainerdDaemon&&) = default;
  ~ContainerdDaemon();

  const ContainerdPaths& paths() const { return paths_; }
  /// The gRPC socket path (use as "unix://" + address() for gRPC clients).
  const std::string& address() const { return paths_.address; }
  pid_t pid() const { return process_.pid(); }
  bool running() { return process_.running(); }

  /// SIGTERM, wait up to `grace`, then SIGKILL. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  /// Lets containerd outlive this object and this program (`mkata node up` returns while the
  /// node keeps running; `node down` stops it later by pid). Returns the pid; afterwards this
  /// object owns nothing and its destructor does nothing.
  pid_t detach();

 private:
  ContainerdDaemon(ContainerdPaths paths, ChildProcess process)
      : paths_(std::move(paths)), process_(std::move(process)) {}
  ContainerdPaths paths_;
  ChildProcess process_;
};

/// Waits until a unix socket at `path` accepts a connection, or the timeout passes.
bool wait_for_unix_socket(const std::string& path, std::chrono::milliseconds timeout);

/// The last `lines` lines of a file ("" if unreadable) — for error messages quoting logs.
std::string tail_of_file(const std::string& path, size_t lines);

}  // namespace mkata
