#include "embedded/host_state.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "core/files.h"
#include "core/process.h"
#include "support/test_env.h"

namespace mkata::embedded {
namespace {

TEST(HostState, FindsAndKillsProcessesByTheirCommandLine) {
  test::TempDir dir("mkata-host-state");
  std::string marker = dir / "marker-file";
  ASSERT_TRUE(write_file_atomic(marker, ""));
  auto child = spawn({"tail", "-f", marker});
  ASSERT_TRUE(child);
  std::vector<pid_t> found;
  for (int i = 0; i < 100 && found.empty(); ++i) {
    found = pids_mentioning(marker);
    if (found.empty()) usleep(10000);
  }
  ASSERT_EQ(found, std::vector<pid_t>{child->pid()});
  EXPECT_FALSE(process_gone(child->pid()));
  EXPECT_TRUE(kill_and_wait(found, SIGKILL, std::chrono::milliseconds(3000)).empty());
  EXPECT_TRUE(process_gone(child->pid()));
  child->wait_for(std::chrono::milliseconds(1000));
  EXPECT_TRUE(pids_mentioning(marker).empty());
}

TEST(HostState, ListsMountsUnderADirectory) {
  auto proc = mounts_under("/proc");
  ASSERT_FALSE(proc.empty());
  EXPECT_EQ(proc.back(), "/proc");  // deepest first: /proc itself comes last
  EXPECT_TRUE(mounts_under("/nonexistent-mkata-dir").empty());
}

// CRI's sandbox ids are 64 hex digits; the cache file is "<network>-<id>-<ifname>".
std::string id(char c) { return std::string(64, c); }

TEST(HostState, CniCacheEntriesOfOneNetworkOnly) {
  test::TempDir dir("mkata-cni-cache");
  std::vector<std::string> names = {
      "mk-node0-" + id('a') + "-eth0", "mk-node0-" + id('b') + "-eth0",
      "mk-node01-" + id('c') + "-eth0", "other-" + id('d') + "-eth0", "mk-" + id('e') + "-eth0"};
  for (const auto& name : names) ASSERT_TRUE(write_file_atomic(dir / name, "{}"));
  EXPECT_EQ(cni_cache_entries("mk-node0", dir.path()).size(), 2u);
  ASSERT_TRUE(remove_cni_cache("mk-node0", dir.path()));
  EXPECT_TRUE(cni_cache_entries("mk-node0", dir.path()).empty());
  EXPECT_TRUE(path_exists(dir / names[2]));
  EXPECT_TRUE(path_exists(dir / names[3]));
  // Issue 9, same class: network "mk" used to take every "mk-*" entry (here mk-node01's too).
  EXPECT_EQ(cni_cache_entries("mk", dir.path()), std::vector<std::string>{dir / names[4]});
}

TEST(HostState, NodeCniCacheIncludesCriLoopbackEntriesOfItsPodsOnly) {
  test::TempDir dir("mkata-cni-cache");
  for (const auto& name : {"mk-node0-" + id('a') + "-eth0", "cni-loopback-" + id('a') + "-lo",
                           "cni-loopback-" + id('f') + "-lo"}) {
    ASSERT_TRUE(write_file_atomic(dir / name, "{}"));
  }
  EXPECT_EQ(node_cni_cache_entries("mk-node0", {id('a')}, dir.path()),
            (std::vector<std::string>{dir / ("mk-node0-" + id('a') + "-eth0"),
                                      dir / ("cni-loopback-" + id('a') + "-lo")}));
  ASSERT_TRUE(remove_node_cni_cache("mk-node0", {id('a')}, dir.path()));
  EXPECT_FALSE(path_exists(dir / ("cni-loopback-" + id('a') + "-lo")));
  EXPECT_TRUE(path_exists(dir / ("cni-loopback-" + id('f') + "-lo")))
      << "another pod's entry must stay";
}

TEST(HostState, ReadsASysctl) {
  auto v = read_sysctl("net.ipv4.ip_forward");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_TRUE(*v == "0" || *v == "1");
  EXPECT_EQ(read_sysctl("net.nonexistent.key").error().message(),
            "read sysctl net.nonexistent.key: read /proc/sys/net/nonexistent/key: No such file "
            "or directory");
}

TEST(HostState, NoCgroupsOrLinksForANameNobodyUses) {
  EXPECT_TRUE(cgroup_dirs("/mkata-no-such-parent").empty());
  EXPECT_TRUE(cgroup_dirs("/").empty()) << "the root cgroup must never be a cgroup parent";
  EXPECT_FALSE(link_exists("mk-nosuch0"));
  EXPECT_TRUE(delete_link("mk-nosuch0"));
}

}  // namespace
}  // namespace mkata::embedded
