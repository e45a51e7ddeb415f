// The OS seam of the adapters: everything they do to processes and files goes through this
// interface, so the decisions above it (which runsc command runs how, how errors are mapped) are
// unit-tested with a fake, while RealAdapterSystem does the real fork/exec/unshare.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"

namespace mkata::adapters {

/// How long a runtime command that should finish promptly (state, kill, delete) may take.
inline constexpr std::chrono::milliseconds kCommandTimeout{std::chrono::minutes(2)};
/// "No timeout" for a command that lasts as long as a container (`runsc wait`): ten years,
/// which still fits steady_clock arithmetic.
inline constexpr std::chrono::milliseconds kNoTimeout{std::chrono::hours(24 * 365 * 10)};

class AdapterSystem {
 public:
  virtual ~AdapterSystem() = default;
  /// Replaces this process with argv (PATH searched); stdio and descriptors are inherited.
  /// Returns only on failure.
  virtual Error exec(const std::vector<std::string>& argv) = 0;
  /// Runs argv with our stdio and every inherited descriptor (container I/O, --preserve-fds)
  /// and waits. Returns the exit code (128 + signal when killed).
  virtual Result<int> run_inheriting(const std::vector<std::string>& argv) = 0;
  /// Runs argv with stdout/stderr captured (no inherited descriptors) and waits up to
  /// `timeout` (then kills it: the result says timed_out).
  virtual Result<ProcessResult> run_captured(const std::vector<std::string>& argv,
                                             std::chrono::milliseconds timeout) = 0;
  /// Runs argv with stdin /dev/null and stdout+stderr appended to `output_path`, and waits.
  /// With hide_proc_sys_net, the child first enters a private mount namespace in which
  /// /proc/sys/net is an empty read-only tmpfs. Returns the exit code.
  virtual Result<int> run_to_file(const std::vector<std::string>& argv,
                                  const std::string& output_path, bool hide_proc_sys_net) = 0;
  /// Forks a child that runs `body` detached from our stdio and descriptors and exits with its
  /// result; returns the child's pid at once.
  virtual Result<pid_t> fork_waiter(const std::function<int()>& body) = 0;
  virtual Result<std::string> read_file(const std::string& path) = 0;
  /// Replaces the file atomically (the shim may read it at any time).
  virtual Result<void> write_file(const std::string& path, const std::string& content) = 0;
  virtual void remove_file(const std::string& path) = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
  /// Moves THIS process into a private mount namespace and detaches each mount point there.
  virtual Result<void> hide_mounts(const std::vector<std::string>& mount_points) = 0;
};

/// The real thing.
class RealAdapterSystem final : public AdapterSystem {
 public:
  Error exec(const std::vector<std::string>& argv) override;
  Result<int> run_inheriting(const std::vector<std::string>& argv) override;
  Result<ProcessResult> run_captured(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) override;
  Result<int> run_to_file(const std::vector<std::string>& argv, const std::string& output_path,
                          bool hide_proc_sys_net) override;
  Result<pid_t> fork_waiter(const std::function<int()>& body) override;
  Result<std::string> read_file(const std::string& path) override;
  Result<void> write_file(const std::string& path, const std::string& content) override;
  void remove_file(const std::string& path) override;
  void sleep_for(std::chrono::milliseconds duration) override;
  Result<void> hide_mounts(const std::vector<std::string>& mount_points) override;
};

}  // namespace mkata::adapters
