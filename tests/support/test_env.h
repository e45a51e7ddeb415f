// What a test needs from its environment, and the one way to skip when it is missing: every
// test that cannot run here skips with a printed reason, it never passes silently.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/build_paths.h"
#include "core/process.h"

namespace mkata::test {

/// Skips the current test unless running as root.
#define MKATA_REQUIRE_ROOT()                                                      \
  do {                                                                            \
    if (geteuid() != 0) GTEST_SKIP() << "needs root (runs real containerd/runtimes)"; \
  } while (0)

/// Skips the current test unless the named program is installed.
#define MKATA_REQUIRE_PROGRAM(name)                                                  \
  do {                                                                               \
    if (!::mkata::find_executable(name)) GTEST_SKIP() << name << " is not installed"; \
  } while (0)

/// A fresh temporary directory, removed (recursively) when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "mkata-test") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Runs the built mkata binary with args (no node flags; node_test_env.h adds those) and returns
/// what it did; a binary that cannot be started fails the test.
inline ProcessResult run_mkata_cli(const std::vector<std::string>& args,
                                   std::chrono::seconds timeout = std::chrono::seconds(60)) {
  std::vector<std::string> argv = {binary_path("/src/cli/mkata")};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = timeout;
  auto r = run(argv, options);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : ProcessResult{};
}

}  // namespace mkata::test
