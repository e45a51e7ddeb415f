// Test helper: runs a real workload binary from the build (WORKLOAD_DIR) on a free loopback port
// and waits until /healthz answers, so each test talks to the real static executable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/process.h"

namespace mkata::workload::testing {

/// Starts a workload as `var` (a WorkloadProcess) and fails the test if it does not come up.
#define START_OR_FAIL(var, ...)     \
  WorkloadProcess var(__VA_ARGS__); \
  ASSERT_TRUE(var.ok()) << var.error()

/// Absolute path of a built workload binary ("helloworld", "autoscale", "pause").
std::string workload_binary(const std::string& name);

/// A running workload server. The destructor stops it (SIGTERM, then SIGKILL).
class WorkloadProcess {
 public:
  /// Starts `name` with PORT set to a free port, WORKLOAD_LISTEN_ADDRESS=127.0.0.1 and the extra
  /// env entries, and waits up to 10 s for /healthz. On failure error() says why.
  /// `prefix` runs before the binary (e.g. setpriv to change the user).
  WorkloadProcess(const std::string& name, std::vector<std::string> env = {},
                  std::vector<std::string> prefix = {});
  ~WorkloadProcess();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  ChildProcess& child() { return child_; }
  /// What the server wrote to stdout and stderr so far.
  std::string log() const;

 private:
  std::uint16_t port_ = 0;
  ChildProcess child_;
  std::string log_path_;
  std::string error_;
};

}  // namespace mkata::workload::testing
