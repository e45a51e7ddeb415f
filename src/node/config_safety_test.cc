// install/uninstall on a user's file that is a symlink, a device or a FIFO, that has an owner and
// group of its own, or that someone else edits at the same time (issue 9): through the library
// entry points, on real files in a temp dir. The OS seams (restart, read-back) are fakes; the
// preflight read-back is where the fake plays the other writer, because it runs after mkata read
// the file and before it writes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/strings.h"
#include "node/installer.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

namespace fs = std::filesystem;

// A containerd that has every handler mkata may install; `during_preflight` runs at the first
// read-back, between mkata's read of the file and its write.
struct FakeNode {
  std::function<void()> during_preflight;
  NodeHooks hooks() {
    NodeHooks h;
    h.restart = [](const std::vector<std::string>&) -> Result<void> { return {}; };
    h.read_loaded = [this](const std::string&,
                           std::chrono::milliseconds) -> Result<LoadedRuntimes> {
      if (during_preflight) std::exchange(during_preflight, nullptr)();
      return LoadedRuntimes{"1.6.20~ds1",
                            {{"runc", "io.containerd.runc.v2"},
                             {"crun", "io.containerd.runc.v2"},
                             {"kata", "io.containerd.kata.v2"}}};
    };
    return h;
  }
};

InstallRequest request_for(const std::string& file, std::vector<std::string> runtimes) {
  InstallRequest r;
  r.runtimes = std::move(runtimes);
  r.distro = "containerd";
  r.config = file;
  r.address = "/run/test.sock";
  return r;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ConfigSafety, ASymlinkedConfigStaysALinkAndItsTargetIsEdited) {
  test::TempDir dir("mkata-config-safety");
  fs::create_directory(dir / "repo");
  fs::create_directory(dir / "etc");
  const std::string original = "version = 2\n# kept in a repository, linked into /etc\n";
  ASSERT_TRUE(write_file_atomic(dir / "repo/config.toml", original));
  std::string link = dir / "etc/config.toml";
  fs::create_symlink("../repo/config.toml", link);
  FakeNode node;
  auto r = install_runtimes(request_for(link, {"kata"}), node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(fs::is_symlink(link));
  std::string edited = *read_file(dir / "repo/config.toml");
  EXPECT_NE(edited.find("# BEGIN mkata runtime kata"), std::string::npos) << edited;
  EXPECT_EQ(names_in(dir / "etc"), (std::vector<std::string>{"config.toml"}));
  auto uninstall = request_for(link, {"kata"});
  uninstall.no_restart = true;  // the fake containerd would still list kata
  auto removed = uninstall_runtimes(uninstall, node.hooks());
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(*read_file(dir / "repo/config.toml"), original);
}

TEST(ConfigSafety, ALinkToADeviceIsRefusedBeforeAnyBackup) {
  test::TempDir dir("mkata-config-safety");
  std::string link = dir / "config.toml";
  fs::create_symlink("/dev/null", link);
  FakeNode node;
  auto r = install_runtimes(request_for(link, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: read " + link +
                                     " (a link to /dev/null): not a regular file (character "
                                     "device)");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"config.toml"}));
}

TEST(ConfigSafety, AFifoIsRefusedWithoutBlocking) {
  test::TempDir dir("mkata-config-safety");
  std::string fifo = dir / "config.toml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  FakeNode node;
  auto req = request_for(fifo, {"kata"});
  req.dry_run = true;
  auto r = install_runtimes(req, node.hooks());  // a blocking read would never return
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: read " + fifo + ": not a regular file (FIFO)");
}

TEST(ConfigSafety, OwnerGroupAndModeOfTheConfigAreKept) {
  if (geteuid() != 0) GTEST_SKIP() << "not root: cannot give the file another group";
  test::TempDir dir("mkata-config-safety");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n", 0640));
  ASSERT_EQ(chown(file.c_str(), 0, 4242), 0);  // root:containerd on a real host
  FakeNode node;
  ASSERT_TRUE(install_runtimes(request_for(file, {"kata"}), node.hooks()));
  for (const std::string& f : {file, file + ".mkata-backup"}) {
    struct stat st {};
    ASSERT_EQ(stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u) << f;
    EXPECT_EQ(st.st_uid, 0u) << f;
    EXPECT_EQ(st.st_gid, 4242u) << f;
  }
}

TEST(ConfigSafety, AnEditMadeWhileMkataRunsIsNotLost) {
  test::TempDir dir("mkata-config-safety");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  const std::string users = "version = 2\n# the operator's edit, saved during the install\n";
  FakeNode node;
  node.during_preflight = [&] { ASSERT_TRUE(write_file_atomic(file, users)); };
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: " + file +
                                     " changed since mkata read it (another program wrote it); "
                                     "nothing was written: run mkata again");
  EXPECT_EQ(*read_file(file), users);
}

TEST(ConfigSafety, TwoConcurrentInstallsKeepBothRuntimes) {
  test::TempDir dir("mkata-config-safety");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  FakeNode first, second;
  std::thread other;
  Result<InstallReport> other_result = InstallReport{};
  // The second run starts while the first holds the file between its read and its write.
  first.during_preflight = [&] {
    other = std::thread(
        [&] { other_result = install_runtimes(request_for(file, {"crun"}), second.hooks()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  };
  auto r = install_runtimes(request_for(file, {"kata"}), first.hooks());
  other.join();
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(other_result) << other_result.error().message();
  std::string text = *read_file(file);
  EXPECT_NE(text.find("# BEGIN mkata runtime kata"), std::string::npos) << text;
  EXPECT_NE(text.find("# BEGIN mkata runtime crun"), std::string::npos) << text;
}

}  // namespace
}  // namespace mkata::node
