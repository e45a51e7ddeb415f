// install/uninstall logic above the OS seams: a write that fails midway leaves the old file, a
// second install changes nothing and says so, the read-back's verdict decides the exit code, and
// --no-restart skips restart and read-back and says so. The real restart and read-back are proven
// by tests/integration/install_test.cc against Debian's containerd.
#include "node/installer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/strings.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

struct FakeNode {
  std::map<std::string, std::string> handlers = {{"runc", "io.containerd.runc.v2"}};
  bool running = true;
  int restarts = 0;

  NodeHooks hooks() {
    NodeHooks h;
    h.restart = [this](const std::vector<std::string>&) -> Result<void> {
      ++restarts;
      return {};
    };
    h.read_loaded = [this](const std::string& address,
                           std::chrono::milliseconds) -> Result<LoadedRuntimes> {
      if (!running) return fail("containerd is not running at " + address + " (no such socket)");
      return LoadedRuntimes{"1.6.20~ds1", handlers};
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

TEST(Installer, AWriteFailingMidwayLeavesTheOldFile) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n# the user's config\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  testing::fail_atomic_writes_after(40);
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  testing::fail_atomic_writes_after(std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: write " + file + ": No space left on device");
  EXPECT_EQ(*read_file(file), original);
  EXPECT_EQ(node.restarts, 0);
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    std::string name = e.path().filename();
    EXPECT_TRUE(name == "config.toml" || name == "config.toml.mkata-backup") << name;
  }
}

TEST(Installer, SecondInstallChangesNothingAndSaysSo) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  FakeNode node;
  node.handlers["kata"] = "io.containerd.kata.v2";
  auto first = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(node.restarts, 1);
  std::string after_first = *read_file(file);
  auto second = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(node.restarts, 1);  // nothing changed, nothing restarted
  EXPECT_EQ(*read_file(file), after_first);
  EXPECT_NE(std::find(second->begin(), second->end(),
                      "kata: already installed in " + file + " (unchanged)"),
            second->end());
  EXPECT_NE(std::find(second->begin(), second->end(), "no change to " + file), second->end());
  EXPECT_EQ(second->back(),
            "verified: containerd 1.6.20~ds1 at /run/test.sock loaded kata "
            "(io.containerd.kata.v2)");
}

TEST(Installer, HandlerMissingAfterRestartIsACheckFailureWithAFix) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 3\n"));
  FakeNode node;  // never loads kata: a containerd 1.6 reading a v3 file
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(r.error().message(),
            "install kata: containerd at /run/test.sock did not load the "
            "runtime handler 'kata' written to " +
                file + " (loaded: runc)");
  EXPECT_EQ(r.error().hint(),
            file +
                " uses config schema v3 (containerd 2.x, plugin id "
                "\"io.containerd.cri.v1.runtime\"), but containerd 1.6.20~ds1 reads schema v2: "
                "set 'version = 2' and write runtimes under \"io.containerd.grpc.v1.cri\" (or "
                "upgrade containerd)");
}

TEST(Installer, InstalledShimsBecomeTheHandlersRuntimePath) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  InstallRequest request = request_for(file, {"kata", "gvisor"});
  request.no_restart = true;
  request.kata_shim = dir / "kata/bin/containerd-shim-kata-v2";
  request.runsc_shim = dir / "gvisor/containerd-shim-runsc-v1";
  FakeNode node;
  auto r = install_runtimes(request, node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  std::string text = *read_file(file);
  EXPECT_NE(text.find("runtime_path = \"" + request.kata_shim + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("runtime_path = \"" + request.runsc_shim + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("runtime_type = \"io.containerd.runsc.v1\""), std::string::npos) << text;
  for (const auto& line : *r) EXPECT_EQ(line.find("is not installed"), std::string::npos) << line;
}

TEST(Installer, OnMicrok8sAnInstalledKataShimSetsKataPath) {
  const std::string fixtures = source_path("/../shared/fixtures/microk8s/");
  auto tmpl = read_file(fixtures + "containerd-template.toml");
  auto env = read_file(fixtures + "containerd-env");
  if (!tmpl || !env) GTEST_SKIP() << "the MicroK8s fixtures in " << fixtures << " are missing";
  test::TempDir dir("mkata-installer");
  std::string args = dir / "var/snap/microk8s/current/args";
  ASSERT_TRUE(make_directories(args));
  ASSERT_TRUE(write_file_atomic(args + "/containerd-template.toml", *tmpl));
  ASSERT_TRUE(write_file_atomic(args + "/containerd-env", *env));
  InstallRequest request;
  request.runtimes = {"kata"};
  request.distro = "microk8s";
  request.root = dir.path();
  request.no_restart = true;
  request.kata_shim = "/srv/kata/bin/containerd-shim-kata-v2";
  FakeNode node;
  auto r = install_runtimes(request, node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_NE(std::find(r->begin(), r->end(),
                      "set KATA_PATH=/srv/kata/bin in " + args +
                          "/containerd-env (backup: " + args + "/containerd-env.mkata-backup)"),
            r->end())
      << join(*r, "\n");
  EXPECT_NE(read_file(args + "/containerd-env")->find("\nKATA_PATH=/srv/kata/bin\n"),
            std::string::npos);
  auto again = install_runtimes(request, node.hooks());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_NE(std::find(again->begin(), again->end(),
                      "KATA_PATH=/srv/kata/bin already set in " + args + "/containerd-env"),
            again->end())
      << join(*again, "\n");
}

TEST(Installer, NoRestartSkipsTheReadBackAndSaysSo) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  FakeNode node;
  node.running = false;
  auto r = install_runtimes(request_for(file, {"gvisor"}), node.hooks());
  ASSERT_FALSE(r);  // not running, and the file was not created
  EXPECT_FALSE(path_exists(file));
  auto req = request_for(file, {"gvisor"});
  req.no_restart = true;
  auto prepared = install_runtimes(req, node.hooks());
  ASSERT_TRUE(prepared) << prepared.error().message();
  EXPECT_TRUE(path_exists(file));
  EXPECT_EQ(node.restarts, 0);
  EXPECT_EQ(prepared->back(),
            "not restarted (--no-restart): containerd reads the change at its next restart; the "
            "read-back through CRI was skipped");
}

TEST(Installer, UninstallVerifiesTheHandlerIsGone) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  node.handlers["gvisor"] = "io.containerd.runc.v2";
  auto req = request_for(file, {"gvisor"});
  ASSERT_TRUE(install_runtimes(req, node.hooks()));
  auto stale = uninstall_runtimes(req, node.hooks());  // the fake still reports gvisor
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().message(),
            "uninstall gvisor: containerd at /run/test.sock still has "
            "the runtime handler 'gvisor' after uninstall");
  EXPECT_EQ(*read_file(file), original);  // the block is removed all the same
}

}  // namespace
}  // namespace mkata::node
