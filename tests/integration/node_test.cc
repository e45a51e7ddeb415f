// `mkata node up|down|status` for real, as root: a private containerd with CNI and one handler
// per usable runtime comes up, reports itself, and goes away leaving nothing behind — also after
// the mkata that was using it was killed with SIGKILL in the middle of a validation.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "embedded/host_state.h"
#include "embedded/nat_cleanup.h"
#include "embedded/node_cgroup.h"
#include "integration/node_test_env.h"
#include "support/test_env.h"

namespace mkata {
namespace {

using std::chrono::seconds;

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (runs real containerd/runtimes)";
    if (!find_executable("containerd")) GTEST_SKIP() << "containerd is not installed";
    options_ =
        test::node_test_options(::testing::UnitTest::GetInstance()->current_test_info()->name());
    test::clean_slate(options_);
    forward_before_ = embedded::read_sysctl("net.ipv4.ip_forward").value_or("?");
  }
  void TearDown() override {
    if (!options_.state_dir.empty()) test::clean_slate(options_);
  }
  embedded::NodeOptions options_;
  std::string forward_before_;
};

TEST_F(NodeTest, UpStatusDownLeavesNothingBehind) {
  auto up = test::run_mkata({"node", "up"}, options_);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("node up in " + options_.state_dir), std::string::npos) << up.out;
  auto again = test::run_mkata({"node", "up"}, options_);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "node already running in " + options_.state_dir + "\n");

  auto status = test::run_mkata({"node", "status", "--json"}, options_);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto j = nlohmann::json::parse(status.out);
  EXPECT_EQ(j["running"], true);
  EXPECT_EQ(j["network"]["bridge"], "mk-node0");
  EXPECT_TRUE(j["containerd_version"].get<std::string>().starts_with("1."));
  std::vector<std::string> handlers;
  for (const auto& h : j["handlers"]) handlers.push_back(h["handler"]);
  ASSERT_FALSE(handlers.empty());
  EXPECT_EQ(handlers[0], "runc");
  EXPECT_TRUE(j["pods"].empty());
  EXPECT_EQ(j["images"].size(), 3u);
  auto text = test::run_mkata({"node", "status"}, options_);
  EXPECT_NE(text.out.find("handler runc"), std::string::npos) << text.out;

  auto down = test::run_mkata({"node", "down"}, options_);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_NE(down.out.find("node down in " + options_.state_dir), std::string::npos) << down.out;
  test::expect_nothing_left(options_, {}, forward_before_);
  auto status_after = test::run_mkata({"node", "status"}, options_);
  EXPECT_EQ(status_after.out, "no node running in " + options_.state_dir + "\n");
}

TEST_F(NodeTest, DownWithNothingRunningSucceedsAndSaysSo) {
  auto down = test::run_mkata({"node", "down"}, options_);
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(down.out, "no node in " + options_.state_dir + ": nothing to do\n");
}

TEST_F(NodeTest, ADirectoryThatIsNotANodeIsNeverTouched) {
  test::TempDir dir("mkata-node-not-a-node");
  ASSERT_TRUE(write_file_atomic(dir / "precious", "data"));
  auto o = options_;
  o.state_dir = dir.path();
  auto down = test::run_mkata({"node", "down"}, o);
  EXPECT_EQ(down.exit_code, 0);
  EXPECT_EQ(down.out, "no node in " + dir.path() + ": nothing to do\n");
  auto up = test::run_mkata({"node", "up"}, o);
  EXPECT_EQ(up.exit_code, 2);
  EXPECT_EQ(up.err, "mkata: error: node up " + dir.path() +
                        ": the directory exists and is not a mkata node (no " + dir.path() +
                        "/ledger.jsonl); choose a new or empty directory\n");
  EXPECT_EQ(read_file(dir / "precious").value_or(""), "data");
}

TEST_F(NodeTest, KilledValidateThenNodeDownLeavesNothingBehind) {
  if (!find_executable("runsc")) GTEST_SKIP() << "runsc is not installed";
  std::vector<std::string> argv = {test::mkata_binary(), "validate", "--runtime", "gvisor"};
  for (auto& f : test::node_flags(options_)) argv.push_back(f);
  SpawnOptions spawn_options;
  spawn_options.stdout_path = "/dev/null";
  auto child = spawn(argv, spawn_options);
  ASSERT_TRUE(child) << child.error().message();
  // Both gVisor pods exist (sandboxes, netns, veths, shims, runsc): kill mkata right there.
  ASSERT_TRUE(test::wait_for_pods(options_, 2, seconds(60))) << "no pods were started";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto pods = test::recorded_pods(options_);
  kill(child->pid(), SIGKILL);
  child->wait_for(std::chrono::seconds(10));
  EXPECT_FALSE(embedded::pids_mentioning(options_.state_dir + "/containerd.sock").empty())
      << "containerd and shims should outlive the killed mkata";

  auto down = test::run_mkata({"node", "down"}, options_);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_NE(down.out.find("pods removed through CRI"), std::string::npos) << down.out;
  test::expect_nothing_left(options_, pods, forward_before_);
}

TEST_F(NodeTest, KilledValidateAndContainerdThenNodeDownLeavesNothingBehind) {
  std::vector<std::string> argv = {test::mkata_binary(), "validate", "--runtime", "runc"};
  for (auto& f : test::node_flags(options_)) argv.push_back(f);
  SpawnOptions spawn_options;
  spawn_options.stdout_path = "/dev/null";
  auto child = spawn(argv, spawn_options);
  ASSERT_TRUE(child) << child.error().message();
  ASSERT_TRUE(test::wait_for_pods(options_, 2, seconds(60))) << "no pods were started";
  auto pods = test::recorded_pods(options_);
  // The worst case: mkata and containerd both die; only the ledger and the kernel remember.
  auto changes = embedded::Ledger(embedded::NodeLayout::of(options_).ledger).read();
  ASSERT_TRUE(changes);
  pid_t containerd = embedded::plan_teardown(*changes).containerd_pid;
  ASSERT_GT(containerd, 0);
  kill(child->pid(), SIGKILL);
  kill(containerd, SIGKILL);
  child->wait_for(std::chrono::seconds(10));

  auto down = test::run_mkata({"node", "down"}, options_);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  test::expect_nothing_left(options_, pods, forward_before_);
}

// What is not the node's, on the host for real: a process in a cgroup named like the network
// (the old cgroup parent "/<network>", which teardown used to SIGKILL and empty), an empty cgroup
// below it, and a process whose command line names the node's socket (teardown used to kill
// anything mentioning it). Everything here is started and created by the test and removed by PID
// and path at the end.
class Decoys {
 public:
  explicit Decoys(const embedded::NodeOptions& o) {
    auto hierarchy = embedded::tracking_hierarchy(embedded::cgroup_hierarchies());
    if (!hierarchy) return;
    cgroup_ = *hierarchy + "/" + o.network_name;
    empty_ = cgroup_ + "/pre-existing-empty";
    if (mkdir(cgroup_.c_str(), 0755) != 0 || mkdir(empty_.c_str(), 0755) != 0) return;
    SpawnOptions join;
    join.cgroup_procs = cgroup_ + "/cgroup.procs";
    auto in_cgroup = spawn({"sleep", "600"}, join);
    auto naming_socket = spawn({"tail", "-F", embedded::NodeLayout::of(o).containerd.address});
    if (!in_cgroup || !naming_socket) return;
    in_cgroup_ = std::move(*in_cgroup);
    naming_socket_ = std::move(*naming_socket);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready_ = true;
  }
  ~Decoys() {
    if (in_cgroup_.valid()) in_cgroup_.stop(std::chrono::milliseconds(500));
    if (naming_socket_.valid()) naming_socket_.stop(std::chrono::milliseconds(500));
    if (!empty_.empty()) rmdir(empty_.c_str());
    for (int i = 0; i < 50 && !cgroup_.empty() && rmdir(cgroup_.c_str()) != 0 && errno == EBUSY;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  bool ready() const { return ready_; }
  /// Every decoy is still there; `when` names the step for the failure message.
  void expect_intact(const std::string& when) {
    EXPECT_TRUE(in_cgroup_.running()) << when << ": the process in " << cgroup_ << " was killed";
    EXPECT_TRUE(naming_socket_.running()) << when << ": the process naming the socket was killed";
    EXPECT_TRUE(path_exists(empty_))
        << when << ": the pre-existing cgroup " << empty_ << " was removed";
    auto procs = read_file(cgroup_ + "/cgroup.procs").value_or("");
    EXPECT_NE(procs.find(std::to_string(in_cgroup_.pid())), std::string::npos) << when;
  }

 private:
  std::string cgroup_, empty_;
  ChildProcess in_cgroup_, naming_socket_;
  bool ready_ = false;
};

TEST_F(NodeTest, TeardownNeverReachesBeyondTheNode) {
  Decoys decoys(options_);
  ASSERT_TRUE(decoys.ready()) << "could not set up the decoy cgroup and processes";
  auto up = test::run_mkata({"node", "up"}, options_);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  auto changes = embedded::Ledger(embedded::NodeLayout::of(options_).ledger).read();
  ASSERT_TRUE(changes);
  auto plan = embedded::plan_teardown(*changes);
  ASSERT_FALSE(plan.cgroups.empty());
  // containerd runs in the node's own cgroup (its shims and pods will be below it too).
  auto procs = read_file(embedded::containerd_cgroup_procs(embedded::NodeLayout::of(options_)));
  ASSERT_TRUE(procs);
  EXPECT_NE(procs->find(std::to_string(plan.containerd_pid)), std::string::npos) << *procs;
  auto down = test::run_mkata({"node", "down"}, options_);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  test::expect_nothing_left(options_, {}, forward_before_);
  decoys.expect_intact("node down");

  auto validate = test::run_mkata({"validate", "--runtime", "runc"}, options_);
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  test::expect_nothing_left(options_, {}, forward_before_);
  decoys.expect_intact("validate");
}

// Never adopt: a node cgroup that already exists (another node's, or someone's) is refused
// before containerd starts, and it is left as it was.
TEST_F(NodeTest, AnExistingNodeCgroupIsRefusedAndKept) {
  auto hierarchy = embedded::tracking_hierarchy(embedded::cgroup_hierarchies());
  if (!hierarchy) GTEST_SKIP() << "no cgroup hierarchy mounted";
  std::string prefix = *hierarchy + embedded::kCgroupPrefix;
  bool made_prefix = mkdir(prefix.c_str(), 0755) == 0;
  std::string theirs = prefix + "/" + options_.network_name;
  ASSERT_EQ(mkdir(theirs.c_str(), 0755), 0) << theirs;
  auto up = test::run_mkata({"node", "up"}, options_);
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_NE(up.err.find("mkata: error: node up " + options_.state_dir + ": cgroup " + theirs +
                        " already exists and this node did not create it\n"),
            std::string::npos)
      << up.err;
  EXPECT_TRUE(path_exists(theirs));
  EXPECT_FALSE(path_exists(options_.state_dir)) << "a failed up leaves no state dir";
  rmdir(theirs.c_str());
  if (made_prefix) rmdir(prefix.c_str());
  test::expect_nothing_left(options_, {}, forward_before_);
}

// One run per node: while a validate uses the node, `node down`, `node up` and a second
// validate are refused with the directory and the holder's pid (exit 2), and the first run
// still passes.
TEST_F(NodeTest, ASecondRunOnTheSameNodeIsRefused) {
  std::vector<std::string> argv = {test::mkata_binary(), "validate", "--runtime", "runc"};
  for (auto& f : test::node_flags(options_)) argv.push_back(f);
  SpawnOptions spawn_options;
  spawn_options.stdout_path = options_.state_dir + ".validate.log";
  auto first = spawn(argv, spawn_options);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_TRUE(test::wait_for_pods(options_, 1, seconds(60))) << "no pods were started";
  std::string in_use = "node " + options_.state_dir + " is in use by another mkata run (pid " +
                       std::to_string(first->pid()) + ")\n";
  auto down = test::run_mkata({"node", "down"}, options_);
  EXPECT_EQ(down.exit_code, 2);
  EXPECT_EQ(down.err.substr(0, down.err.find('\n') + 1), "mkata: error: node down: " + in_use);
  auto second = test::run_mkata({"validate", "--runtime", "runc"}, options_);
  EXPECT_EQ(second.exit_code, 2) << second.out;
  EXPECT_NE(second.err.find(in_use), std::string::npos) << second.err;
  auto up = test::run_mkata({"node", "up"}, options_);
  EXPECT_TRUE(up.exit_code == 0 || up.exit_code == 2) << up.err;
  auto status = first->wait_for(seconds(120));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << read_file(options_.state_dir + ".validate.log").value_or("");
  std::filesystem::remove(options_.state_dir + ".validate.log");
  test::expect_nothing_left(options_, {}, forward_before_);
}

// The crash path for iptables: chains and rules CNI would leave for our network (e.g. a portmap
// DNAT chain or a masquerade chain of a pod whose CNI DEL never ran) are found by name and
// comment and removed through iptables-restore, in v4 and v6, while another network's are kept.
TEST_F(NodeTest, NatLeftoversOfOurNetworkAreRemovedAndOthersKept) {
  std::string ours = embedded::cni_chain_names("mk-node0", "deadpod")[0];
  std::string theirs = embedded::cni_chain_names("mk-other-test", "x")[0];
  for (const std::string tool : {"iptables", "ip6tables"}) {
    if (!find_executable(tool + "-restore")) continue;
    std::string src = tool == "iptables" ? "100.64.14.250/32" : "fd00:64:14::250/128";
    RunOptions add;
    add.input = "*nat\n:" + ours + " - [0:0]\n:" + theirs + " - [0:0]\n-A " + ours +
                " -j ACCEPT\n-A POSTROUTING -s " + src +
                " -m comment --comment \"name: \\\"mk-node0\\\" id: \\\"deadpod\\\"\" -j " + ours +
                "\n-A POSTROUTING -s " + src +
                " -m comment --comment \"name: \\\"mk-other-test\\\" id: \\\"x\\\"\" -j " + theirs +
                "\nCOMMIT\n";
    auto added = run_checked({tool + "-restore", "--noflush"}, add);
    ASSERT_TRUE(added) << added.error().message();
    EXPECT_EQ(embedded::nat_leftovers(tool, "mk-node0", {}).size(), 2u) << tool;
    ASSERT_TRUE(embedded::clean_nat_table(tool, "mk-node0", {}));
    EXPECT_TRUE(embedded::nat_leftovers(tool, "mk-node0", {"deadpod"}).empty()) << tool;
    auto saved = run_checked({tool + "-save", "-t", "nat"});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->find(ours), std::string::npos) << *saved;
    EXPECT_NE(saved->find(theirs), std::string::npos) << "another network's chain was removed";
    // Clean up the other network's chain this test made.
    ASSERT_TRUE(embedded::clean_nat_table(tool, "mk-other-test", {}));
  }
}

}  // namespace
}  // namespace mkata
