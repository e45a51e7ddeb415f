// Shared by node_test.cc, validate_test.cc and node_versions_test.cc: the node's private test
// identity (TEAM.md: bridge mk-node0, subnet 100.64.14.0/24), running the real mkata binary, and
// the one assertion that matters after any teardown — nothing of the node is left on the host.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "embedded/host_state.h"
#include "embedded/ledger.h"
#include "embedded/node_options.h"
#include "embedded/node_teardown.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "validate/scenario.h"

namespace mkata::test {

inline embedded::NodeOptions node_test_options(const std::string& name) {
  return {"/run/mkata-test-node-" + name, "mk-node0", "mk-node0", "100.64.14.0/24"};
}

inline std::string mkata_binary() { return binary_path("/src/cli/mkata"); }

/// The CLI flags that select the test node.
inline std::vector<std::string> node_flags(const embedded::NodeOptions& o) {
  return {"--state-dir", o.state_dir, "--network", o.network_name,
          "--bridge",    o.bridge,    "--subnet",  o.subnet};
}

/// Runs `mkata <args> <node flags>` and returns what it did.
inline ProcessResult run_mkata(std::vector<std::string> args, const embedded::NodeOptions& o,
                               std::chrono::seconds timeout = std::chrono::seconds(120)) {
  args.insert(args.begin(), mkata_binary());
  for (auto& f : node_flags(o)) args.push_back(f);
  RunOptions options;
  options.timeout = timeout;
  auto r = run(args, options);
  return r ? *r : ProcessResult{};
}

/// Pod ids the node recorded so far (read before a teardown, to check their shim sockets after).
inline std::vector<std::string> recorded_pods(const embedded::NodeOptions& o) {
  std::vector<std::string> ids;
  auto changes = embedded::Ledger(embedded::NodeLayout::of(o).ledger).read();
  if (!changes) return ids;
  for (const auto& c : *changes) {
    if (c.kind == embedded::kChangePod) ids.push_back(c.name);
  }
  return ids;
}

/// Waits until the node has recorded at least `count` pods (a run is in the middle of a runtime).
inline bool wait_for_pods(const embedded::NodeOptions& o, size_t count,
                          std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (recorded_pods(o).size() >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Asserts that nothing of the node is left: processes (containerd, shims, runsc, adapters),
/// mounts and netns mounts under the state dir, the bridge and its veths, nat rules and chains
/// (v4 and v6), CNI cache entries, shim sockets, cgroups — and that the state dir is gone and
/// ip_forward is what it was before.
inline void expect_nothing_left(const embedded::NodeOptions& o,
                                const std::vector<std::string>& pod_ids,
                                const std::string& ip_forward_before) {
  auto layout = embedded::NodeLayout::of(o);
  // PID 1 here reaps orphans slowly (LAB-NOTES.md): give exiting shims a moment.
  std::vector<std::string> left;
  for (int i = 0; i < 50; ++i) {
    left = embedded::host_leftovers(layout, pod_ids);
    // A runsc sandbox or an adapter that escaped the node's cgroups would still name its
    // runtime root (a test-only check: teardown never picks processes by command line).
    for (pid_t p : embedded::pids_mentioning(layout.runtimes_dir + "/")) {
      left.push_back("process " + std::to_string(p) + " naming " + layout.runtimes_dir);
    }
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(left.empty()) << join(left, "\n");
  EXPECT_TRUE(embedded::links_of_bridge(o.bridge).empty());
  EXPECT_FALSE(path_exists(o.state_dir)) << o.state_dir << " still exists";
  auto forward = embedded::read_sysctl("net.ipv4.ip_forward");
  ASSERT_TRUE(forward);
  EXPECT_EQ(*forward, ip_forward_before);
}

/// Removes whatever a failed earlier test left (so one failure does not cascade).
inline void clean_slate(const embedded::NodeOptions& o) {
  if (path_exists(o.state_dir)) (void)embedded::teardown_node(embedded::NodeLayout::of(o));
}

/// A validation on an embedded node of the test's own (named after the test): the host is left
/// clean before and after, and check's verdicts say which runtimes can run.
class EmbeddedValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (runs real containerd/runtimes)";
    options_.node =
        node_test_options(::testing::UnitTest::GetInstance()->current_test_info()->name());
    clean_slate(options_.node);
    forward_before_ = embedded::read_sysctl("net.ipv4.ip_forward").value_or("?");
  }
  void TearDown() override {
    if (!options_.node.state_dir.empty()) clean_slate(options_.node);
  }
  /// check's verdict for a runtime on this host.
  static host::RuntimeVerdict verdict(const std::string& runtime) {
    auto facts = host::probe_host(*host::live_host());
    return facts ? host::judge_runtimes(*facts)[runtime] : host::RuntimeVerdict{};
  }
  validate::ValidateOptions options_;
  std::string forward_before_;  ///< net.ipv4.ip_forward before the test
  Progress progress_{false};
};

}  // namespace mkata::test
