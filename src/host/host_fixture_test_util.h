// Test helpers: load a fixture tree from src/host/testdata, or copy one into a temporary
// directory and change files in it, so that one tree serves several cases.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host/host_facts.h"
#include "host/host_root.h"

namespace mkata::host::testing {

inline std::string fixture_dir(const std::string& name) {
  return std::string(MKATA_HOST_TESTDATA) + "/" + name;
}

/// Probes a fixture tree; fails the test when the probe fails.
inline HostFacts probe_fixture(const std::string& dir) {
  auto root = fixture_host(dir);
  EXPECT_TRUE(root) << (root ? "" : root.error().message());
  auto facts = probe_host(**root);
  EXPECT_TRUE(facts) << (facts ? "" : facts.error().message());
  return facts ? *facts : HostFacts{};
}

/// A private copy of a fixture tree, removed at destruction.
class FixtureCopy {
 public:
  explicit FixtureCopy(const std::string& name) {
    char pattern[] = "/tmp/mkata-host-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::filesystem::copy(fixture_dir(name), dir_, std::filesystem::copy_options::recursive);
  }
  ~FixtureCopy() { std::filesystem::remove_all(dir_); }
  FixtureCopy(const FixtureCopy&) = delete;
  FixtureCopy& operator=(const FixtureCopy&) = delete;

  const std::string& dir() const { return dir_; }
  /// Writes (creating parents) or, with remove = true, deletes a host path in the copy.
  void write(const std::string& path, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(dir_ + path).parent_path());
    std::ofstream(dir_ + path) << content;
  }
  void remove(const std::string& path) const { std::filesystem::remove_all(dir_ + path); }
  HostFacts probe() const { return probe_fixture(dir_); }

 private:
  std::string dir_;
};

}  // namespace mkata::host::testing
