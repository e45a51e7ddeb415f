// The parsers of host files must survive anything a broken or hostile file holds (a fixture tree
// is user input via --root). A deterministic mutation loop over real inputs stands in for a
// libFuzzer target: clang-14 cannot build the core library's std::expected.
#include <gtest/gtest.h>

#include <random>

#include "host/cgroup_layout.h"
#include "host/cpu_info.h"
#include "host/gvisor_platform.h"
#include "host/host_fixture_test_util.h"
#include "host/installed_tools.h"

namespace mkata::host {
namespace {

std::string mutate(std::string text, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  int edits = std::uniform_int_distribution<int>(1, 8)(rng);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    size_t at = std::uniform_int_distribution<size_t>(0, text.size() - 1)(rng);
    switch (rng() % 4) {
      case 0: text[at] = static_cast<char>(byte(rng)); break;
      case 1: text.erase(at, rng() % 64); break;
      case 2: text.insert(at, text.substr(rng() % text.size(), rng() % 64)); break;
      default: text.insert(at, 1, "\n:- \t"[rng() % 5]); break;
    }
  }
  return text;
}

TEST(ParserGarbage, MutatedHostFilesNeverCrashTheParsers) {
  std::string dir = testing::fixture_dir("lab-vm-kvm-pvm");
  auto root = fixture_host(dir);
  ASSERT_TRUE(root);
  std::string cpuinfo = *(*root)->read_file("/proc/cpuinfo");
  std::string mountinfo = *(*root)->read_file("/proc/self/mountinfo");
  std::string version = *(*root)->read_file("/fixture/versions/containerd");
  std::mt19937 rng(20261127);
  for (int i = 0; i < 3000; ++i) {
    auto cpu = parse_cpuinfo(mutate(cpuinfo, rng));
    if (cpu) {
      EXPECT_LE(cpu->evidence.size(), 2u);
    }
    CgroupLayout layout = parse_cgroup_mounts(mutate(mountinfo, rng), i % 2 == 0);
    EXPECT_FALSE(layout.layout.empty());
    std::string v = parse_version(mutate(version, rng));
    EXPECT_GE(runsc_release_date(v), 0);
  }
  EXPECT_FALSE(parse_cpuinfo(""));
  EXPECT_EQ(parse_cgroup_mounts("", true).layout, "unknown");
  EXPECT_EQ(parse_version(""), "");
}

}  // namespace
}  // namespace mkata::host
