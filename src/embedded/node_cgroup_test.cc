// The node's cgroups against a fake cgroupfs (plain directories under a temp dir): what is
// created and recorded, what is refused, and that teardown's kill and removal reach exactly the
// recorded cgroups. The processes listed in the fake cgroup.procs files are sleeps this test
// started, so nothing else can ever be signalled. The real hierarchy is covered by
// tests/integration/node_test.cc.
#include "embedded/node_cgroup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "core/files.h"
#include "core/process.h"
#include "embedded/host_state.h"
#include "support/test_env.h"

namespace mkata::embedded {
namespace {

namespace fs = std::filesystem;

NodeLayout layout_for(const std::string& network) {
  NodeOptions o;
  o.state_dir = "/run/n";
  o.network_name = network;
  return NodeLayout::of(o);
}

// A cgroup v1 layout: two controllers, a named hierarchy, and a symlink that is not one.
void make_fake_v1(const std::string& root) {
  for (const char* h : {"pids", "memory", "systemd"}) {
    fs::create_directories(root + "/" + h);
    ASSERT_TRUE(write_file_atomic(root + "/" + h + "/cgroup.procs", ""));
  }
  fs::create_directory_symlink(root + "/pids", root + "/cpu");
}

TEST(NodeCgroup, FindsHierarchiesAndTheTrackingOne) {
  test::TempDir v1("mkata-fake-cgroup");
  make_fake_v1(v1.path());
  auto hierarchies = cgroup_hierarchies(v1.path());
  EXPECT_EQ(hierarchies, (std::vector<std::string>{v1 / "memory", v1 / "pids", v1 / "systemd"}));
  EXPECT_EQ(tracking_hierarchy(hierarchies), v1 / "memory");
  fs::create_directories(v1 / "unified");
  ASSERT_TRUE(write_file_atomic(v1 / "unified/cgroup.procs", ""));
  ASSERT_TRUE(write_file_atomic(v1 / "unified/cgroup.controllers", "hugetlb\n"));
  EXPECT_EQ(tracking_hierarchy(cgroup_hierarchies(v1.path())), v1 / "unified");

  // Pure cgroup2: the root is the one hierarchy, its top-level cgroups are not hierarchies.
  test::TempDir v2("mkata-fake-cgroup");
  ASSERT_TRUE(write_file_atomic(v2 / "cgroup.controllers", "cpu memory pids\n"));
  fs::create_directories(v2 / "system.slice");
  ASSERT_TRUE(write_file_atomic(v2 / "system.slice/cgroup.procs", ""));
  EXPECT_EQ(cgroup_hierarchies(v2.path()), (std::vector<std::string>{v2.path()}));
  EXPECT_FALSE(tracking_hierarchy({}));
}

TEST(NodeCgroup, CreatesAndRecordsOnlyWhatItMade) {
  test::TempDir root("mkata-fake-cgroup");
  test::TempDir state("mkata-cgroup-ledger");
  make_fake_v1(root.path());
  fs::create_directories(root / "memory/mkata");  // the shared prefix exists there already
  Ledger ledger(state / "ledger.jsonl");
  auto layout = layout_for("mk-node0");
  ASSERT_TRUE(create_node_cgroups(layout, ledger, root.path()));
  auto changes = ledger.read();
  ASSERT_TRUE(changes);
  EXPECT_EQ(recorded_cgroups(*changes),
            (std::vector<CgroupDir>{{root / "memory", "/mkata/mk-node0"},
                                    {root / "pids", "/mkata"},
                                    {root / "pids", "/mkata/mk-node0"},
                                    {root / "systemd", "/mkata"},
                                    {root / "systemd", "/mkata/mk-node0"}}));
  EXPECT_EQ(containerd_cgroup_procs(layout, root.path()),
            root / "memory/mkata/mk-node0/containerd/cgroup.procs");
  ASSERT_TRUE(make_containerd_cgroup(layout, root.path()));
  EXPECT_TRUE(path_exists(root / "memory/mkata/mk-node0/containerd"));
}

// Never adopt: a node cgroup that exists anywhere is another node's (or the host's).
TEST(NodeCgroup, RefusesAnExistingNodeCgroup) {
  test::TempDir root("mkata-fake-cgroup");
  test::TempDir state("mkata-cgroup-ledger");
  make_fake_v1(root.path());
  fs::create_directories(root / "systemd/mkata/mk-node0");
  Ledger ledger(state / "ledger.jsonl");
  auto r = create_node_cgroups(layout_for("mk-node0"), ledger, root.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "cgroup " + root / "systemd/mkata/mk-node0" +
                                     " already exists and this node did not create it");
  EXPECT_FALSE(path_exists(root / "pids/mkata")) << "nothing is created after a refusal";
  EXPECT_FALSE(ledger.exists());
}

TEST(NodeCgroup, LedgerEntriesOutsideThePrefixAreIgnored) {
  std::vector<HostChange> changes = {
      {kChangeCgroup, "/", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/.", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/system.slice", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkataX", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/..", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/.", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/n/../..", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/n", "", "/sys/fs/cgroup/pids/..", 0},
      {kChangeCgroup, "/mkata/n", "", "relative", 0},
      {kChangeCgroup, "/mkata/n", "", "", 0},
      {kChangeCgroup, "/mkata/n", "", "/sys/fs/cgroup/pids", 0},
      {kChangeCgroup, "/mkata/n", "", "/sys/fs/cgroup/pids", 0},
  };
  EXPECT_EQ(recorded_cgroups(changes),
            (std::vector<CgroupDir>{{"/sys/fs/cgroup/pids", "/mkata/n"}}));
}

// The issue-9 shape, safely: processes in an unrelated cgroup named like the network (the old
// parent "/<network>"), in another node's cgroup, and in the shared prefix itself are not
// chosen; only the one in the node's recorded cgroup (here in a pod cgroup below it) is.
TEST(NodeCgroup, KillsOnlyInRecordedCgroupsAndRemovesOnlyThem) {
  test::TempDir root("mkata-fake-cgroup");
  make_fake_v1(root.path());
  std::vector<ChildProcess> sleeps;
  for (int i = 0; i < 4; ++i) {
    auto child = spawn({"sleep", "60"}, {});
    ASSERT_TRUE(child);
    sleeps.push_back(std::move(*child));
  }
  auto procs = [&](const std::string& dir, pid_t pid) {
    fs::create_directories(root / dir);
    ASSERT_TRUE(write_file_atomic(root / (dir + "/cgroup.procs"), std::to_string(pid) + "\n"));
  };
  procs("pids/mkata/mk-node0/pod1", sleeps[0].pid());  // ours
  procs("pids/mk-node0", sleeps[1].pid());             // unrelated, named like the network
  procs("pids/mkata/other", sleeps[2].pid());          // another node's
  procs("pids/mkata", sleeps[3].pid());                // the shared prefix itself
  std::vector<CgroupDir> ours = {{root / "pids", "/mkata"}, {root / "pids", "/mkata/mk-node0"}};
  EXPECT_EQ(pids_in_node_cgroups(ours), (std::vector<pid_t>{sleeps[0].pid()}));
  EXPECT_TRUE(kill_and_wait(pids_in_node_cgroups(ours), SIGKILL, std::chrono::seconds(3)).empty());
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(sleeps[i].running()) << i;
  for (auto& s : sleeps) s.stop(std::chrono::milliseconds(100));

  // Removal: the recorded node cgroup with what is below it; the prefix only when empty.
  test::TempDir tree("mkata-fake-cgroup");
  fs::create_directories(tree / "pids/mkata/mk-node0/pod1/c1");
  fs::create_directories(tree / "pids/mkata/other");
  fs::create_directories(tree / "pids/mk-node0/keep");
  std::vector<CgroupDir> recorded = {{tree / "pids", "/mkata"}, {tree / "pids", "/mkata/mk-node0"}};
  ASSERT_TRUE(remove_node_cgroups(recorded));
  EXPECT_FALSE(path_exists(tree / "pids/mkata/mk-node0"));
  EXPECT_TRUE(path_exists(tree / "pids/mkata/other"));
  EXPECT_TRUE(path_exists(tree / "pids/mk-node0/keep"));
  fs::remove(tree / "pids/mkata/other");
  ASSERT_TRUE(remove_node_cgroups(recorded));
  EXPECT_FALSE(path_exists(tree / "pids/mkata"));
  EXPECT_TRUE(remove_node_cgroups(recorded)) << "missing is fine";
}

}  // namespace
}  // namespace mkata::embedded
