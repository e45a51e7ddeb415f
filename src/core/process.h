// Running other programs: argv only, never a shell, so no value from a user or a config file can
// be reinterpreted as shell syntax. Two shapes: run() waits and captures output (with a timeout
// that kills the child), spawn() starts a long-lived child (containerd, a workload server) whose
// output goes to files and whose lifetime the caller owns.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace mkata {

/// Options for run().
struct RunOptions {
  /// Extra environment entries "KEY=VALUE", added to (and overriding) the inherited environment.
  std::vector<std::string> env;
  /// Bytes written to the child's stdin (then closed). Without it, stdin is /dev/null.
  std::optional<std::string> input;
  /// The child is killed (SIGKILL) after this long; the result then has timed_out = true.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// Working directory for the child; empty means inherit.
  std::string cwd;
};

/// What a finished child did.
struct ProcessResult {
  int exit_code = -1;   ///< exit status, or -1 when killed by a signal
  int signal = 0;       ///< the terminating signal, or 0
  bool timed_out = false;
  std::string out;      ///< everything written to stdout
  std::string err;      ///< everything written to stderr
  bool ok() const { return exit_code == 0 && !timed_out; }
  /// One line for error messages: "exit 1: <last stderr line>" or "killed by signal 9".
  std::string describe() const;
};

/// Runs argv[0] (searched in PATH when it has no '/') and waits for it. Fails only when the
/// program cannot be started at all ("run foo: No such file or directory"); a non-zero exit is a
/// successful Result whose exit_code says so.
Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Like run(), but a non-zero exit, a signal or a timeout is an Error naming the program and
/// its last line of stderr. Returns stdout.
Result<std::string> run_checked(const std::vector<std::string>& argv,
                                const RunOptions& options = {});

/// Options for spawn().
struct SpawnOptions {
  std::vector<std::string> env;  ///< extra "KEY=VALUE" entries
  std::string stdout_path;       ///< file to append stdout to; empty = /dev/null
  std::string stderr_path;       ///< file to append stderr to; empty = same as stdout
  bool new_session = true;       ///< setsid(): the child outlives a Ctrl-C sent to our group
  std::string cwd;
  /// A cgroup.procs file the child writes itself into before exec ("" = stay where we are), so
  /// that it and everything it starts is inside that cgroup from its first instruction. When the
  /// write fails the child exits 127 before exec, with the reason on its stderr.
  std::string cgroup_procs{};
};

/// A started child process. Not copyable; the destructor does NOT kill it (the caller decides:
/// a daemon such as containerd is stopped explicitly, in order).
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(ChildProcess&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept {
    pid_ = std::exchange(other.pid_, -1);
    status_ = other.status_;
    return *this;
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool valid() const { return pid_ > 0; }
  /// True while the child has not exited (reaps it if it has).
  bool running();
  /// Sends SIGTERM, waits up to grace, then SIGKILL; reaps. Returns the wait status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  /// Waits for exit up to timeout; returns the wait status, or nullopt on timeout.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Starts argv in the background.
Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

/// Finds an executable by name in PATH (or the given directories, searched first); nullopt if
/// absent. A name with a '/' is checked as is.
std::optional<std::string> find_executable(const std::string& name,
                                           const std::vector<std::string>& extra_dirs = {});

}  // namespace mkata
