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
#include "node/runtime_plan.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

struct FakeNode {
  std::map<std::string, std::string> handlers = {{"runc", "io.containerd.runc.v2"}};
  bool running = true;
  int restarts = 0;
  std::string version = "1.6.20~ds1";

  NodeHooks hooks() {
    NodeHooks h;
    h.restart = [this](const std::vector<std::string>&) -> Result<void> {
      ++restarts;
      return {};
    };
    h.read_loaded = [this](const std::string& address,
                           std::chrono::milliseconds) -> Result<LoadedRuntimes> {
      if (!running) return fail("containerd is not running at " + address + " (no such socket)");
      return LoadedRuntimes{version, handlers};
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
  EXPECT_NE(std::find(second->notes.begin(), second->notes.end(),
                      "kata: already installed in " + file + " (unchanged)"),
            second->notes.end());
  EXPECT_NE(std::find(second->notes.begin(), second->notes.end(), "no change to " + file),
            second->notes.end());
  EXPECT_EQ(second->notes.back(),
            "verified: containerd 1.6.20~ds1 at /run/test.sock loaded kata "
            "(io.containerd.kata.v2)");
}

TEST(Installer, SchemaV3FileForContainerd1xIsRefusedBeforeAnyChange) {
  // containerd 1.x starts on a `version = 3` file and ignores every v3 table: asked first, the
  // running containerd's version makes that a usage error before a byte is written.
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 3\n"));
  FakeNode node;  // containerd 1.6.20~ds1
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.error().message(),
            "install kata: " + file +
                ": the file says version = 3 (config schema v3, containerd 2.x), but containerd "
                "1.6.20~ds1 at /run/test.sock reads schema v2 only: it would start and ignore "
                "every runtime written there");
  EXPECT_EQ(r.error().hint(),
            "write the file for schema v2 ('version = 2', plugin id "
            "\"io.containerd.grpc.v1.cri\"), or upgrade containerd");
  EXPECT_EQ(*read_file(file), "version = 3\n");
  EXPECT_EQ(node.restarts, 0);
}

TEST(Installer, TheRunningContainerdChoosesTheSchemaOfANewFileAndSaysSo) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  FakeNode node;
  node.version = "v2.1.9";
  node.handlers["gvisor"] = "io.containerd.runc.v2";
  auto r = install_runtimes(request_for(file, {"gvisor"}), node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(read_file(file)->starts_with("# BEGIN mkata config header")) << *read_file(file);
  EXPECT_NE(read_file(file)->find("\nversion = 3\n"), std::string::npos) << *read_file(file);
  EXPECT_NE(read_file(file)->find("io.containerd.cri.v1.runtime"), std::string::npos);
  EXPECT_EQ(r->notes.front(),
            "distribution: containerd; config: " + file +
                " (schema v3: a new file for containerd v2.1.9 at /run/test.sock, which reads "
                "schema v3)");
  EXPECT_EQ(r->facts["config"]["schema"], 3);
  EXPECT_EQ(r->facts["config"]["containerd_version"], "v2.1.9");
}

TEST(Installer, AVersion2FileStaysVersion2OnContainerd2WhichMigratesIt) {
  // MicroK8s's case: its template says `version = 2` where the snap ships containerd 2.x.
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  FakeNode node;
  node.version = "2.1.9";
  node.handlers["gvisor"] = "io.containerd.runc.v2";
  auto r = install_runtimes(request_for(file, {"gvisor"}), node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_NE(read_file(file)->find("io.containerd.grpc.v1.cri"), std::string::npos);
  EXPECT_EQ(r->notes.front(), "distribution: containerd; config: " + file +
                                  " (schema v2: the file says version = 2; containerd 2.1.9 at "
                                  "/run/test.sock migrates it to v3 when it loads it)");
  EXPECT_EQ(r->facts["config"]["schema_reason"],
            "the file says version = 2; containerd 2.1.9 at /run/test.sock migrates it to v3 when "
            "it loads it");
}

TEST(Installer, HandlerMissingAfterRestartIsACheckFailureWithAFix) {
  // A v2 file whose handlers containerd does not load (it reads another file): exit 1 with why.
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  FakeNode node;  // never loads kata
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(r.error().message(),
            "install kata: containerd at /run/test.sock did not load the "
            "runtime handler 'kata' written to " +
                file + " (loaded: runc)");
  EXPECT_TRUE(r.error().hint().starts_with("containerd does not read " + file)) << r.error().hint();
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
  for (const auto& line : r->notes)
    EXPECT_EQ(line.find("is not installed"), std::string::npos) << line;
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
  EXPECT_NE(std::find(r->notes.begin(), r->notes.end(),
                      "set KATA_PATH=/srv/kata/bin in " + args +
                          "/containerd-env (backup: " + args + "/containerd-env.mkata-backup)"),
            r->notes.end())
      << join(r->notes, "\n");
  EXPECT_NE(read_file(args + "/containerd-env")->find("\nKATA_PATH=/srv/kata/bin\n"),
            std::string::npos);
  auto again = install_runtimes(request, node.hooks());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_NE(std::find(again->notes.begin(), again->notes.end(),
                      "KATA_PATH=/srv/kata/bin already set in " + args + "/containerd-env"),
            again->notes.end())
      << join(again->notes, "\n");
}

TEST(Installer, AdaptersAreCopiedBeforeTheConfigThatNamesThem) {
  if (!find_adapter_source(kRunscAdapterName)) {
    GTEST_SKIP() << "the runsc adapter is not built (nothing to copy)";
  }
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  ASSERT_TRUE(write_file_atomic(dir / "adapters", "a file where the directory goes"));
  InstallRequest req = request_for(file, {"gvisor"});
  req.root = dir.path();  // no runsc shim there: the runsc adapter
  req.adapter_dir = "/adapters";
  FakeNode node;
  node.handlers["gvisor"] = "io.containerd.runc.v2";
  auto r = install_runtimes(req, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install gvisor: copy the adapter mkata-runsc-adapter to " +
                                     dir / "adapters/mkata-runsc-adapter" + ": write " +
                                     dir / "adapters/mkata-runsc-adapter" + ": Not a directory");
  EXPECT_EQ(*read_file(file), original);  // never naming an adapter that is not there
  EXPECT_EQ(node.restarts, 0);
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
  EXPECT_EQ(prepared->notes.back(),
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

// Plan, then act: each refused input leaves the config byte for byte as it was, writes no backup
// and restarts nothing.
void expect_untouched(const test::TempDir& dir, const std::string& file,
                      const std::string& original, const FakeNode& node) {
  EXPECT_EQ(*read_file(file), original);
  EXPECT_FALSE(path_exists(file + ".mkata-backup"));
  EXPECT_EQ(node.restarts, 0);
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename(), "config.toml");
  }
}

TEST(Installer, AnUnwritableRuntimeClassesFileFailsBeforeTheConfigIsWritten) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n# the user's config\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  node.handlers["kata"] = "io.containerd.kata.v2";
  auto request = request_for(file, {"kata"});
  request.runtime_classes = dir / "missing/runtimeclasses.yaml";
  auto r = install_runtimes(request, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: --runtime-classes " +
                                     dir / "missing/runtimeclasses.yaml" + ": the directory " +
                                     dir / "missing" + " does not exist");
  expect_untouched(dir, file, original, node);
  EXPECT_FALSE(check_install(request, node.hooks()));
}

TEST(Installer, ConfigInAMissingDirectoryIsRefusedNotCreated) {
  test::TempDir dir("mkata-installer");
  FakeNode node;
  auto request = request_for(dir / "typo/config.toml", {"kata"});
  request.no_restart = true;
  auto r = install_runtimes(request, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install kata: cannot create " + dir / "typo/config.toml" +
                                     ": the directory " + dir / "typo" +
                                     " does not exist (pass the right file with --config)");
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_FALSE(path_exists(dir / "typo"));
}

TEST(Installer, RelativePathsForContainerdAreRefused) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  auto request = request_for(file, {"gvisor"});
  request.adapter_dir = "lib/mkata";
  auto r = install_runtimes(request, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "install gvisor: --adapter-dir lib/mkata: must be an absolute path (it is written "
            "into containerd's config)");
  EXPECT_EQ(r.error().hint(), "give the full path, e.g. --adapter-dir " +
                                  std::filesystem::current_path().string() + "/lib/mkata");
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  request = request_for(file, {"kata"});
  request.kata_config = "configuration.toml";
  r = install_runtimes(request, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "install kata: --kata-config configuration.toml: must be an absolute path (it is "
            "written into containerd's config)");
  expect_untouched(dir, file, original, node);
}

TEST(Installer, CheckInstallChecksEverythingAndChangesNothing) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  EXPECT_TRUE(check_install(request_for(file, {"kata"}), node.hooks()));
  expect_untouched(dir, file, original, node);
  node.running = false;
  auto r = check_install(request_for(file, {"kata"}), node.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "install kata: containerd is not running at /run/test.sock (no such socket)");
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n[grpc\n"));
  auto bad = request_for(file, {"kata"});
  bad.no_restart = true;
  r = check_install(bad, node.hooks());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message().starts_with("install kata: " + file + " is not valid TOML"))
      << r.error().message();
}

TEST(Installer, DryRunOutputIsThePatchAloneAndShowsTheManifests) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  FakeNode node;
  auto request = request_for(file, {"kata"});
  request.dry_run = true;
  request.runtime_classes = dir / "rc.yaml";
  auto r = install_runtimes(request, node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->output.starts_with("--- " + file + "\n+++ " + file + "\n@@ ")) << r->output;
  EXPECT_NE(r->output.find("--- /dev/null\n+++ " + dir / "rc.yaml" + "\n@@ -0,0 +1,"),
            std::string::npos)
      << r->output;
  EXPECT_NE(r->output.find("\n+kind: RuntimeClass\n"), std::string::npos) << r->output;
  EXPECT_EQ(r->output.find("dry run"), std::string::npos) << r->output;
  EXPECT_EQ(r->notes.back(), "dry run: no file was changed and nothing was restarted");
  EXPECT_EQ(r->facts["config"]["action"], "would be updated");
  EXPECT_EQ(r->facts["diff"], r->output.substr(0, r->output.find("--- /dev/null")));
  expect_untouched(dir, file, original, node);
}

TEST(Installer, FactsSayWhatHappened) {
  test::TempDir dir("mkata-installer");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  FakeNode node;
  node.handlers["kata"] = "io.containerd.kata.v2";
  auto r = install_runtimes(request_for(file, {"kata"}), node.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->output, "");
  const auto& f = r->facts;
  EXPECT_EQ(f["runtimes"], nlohmann::json::array({"kata"}));
  EXPECT_EQ(f["dry_run"], false);
  EXPECT_EQ(f["config"]["path"], file);
  EXPECT_EQ(f["config"]["action"], "updated");
  EXPECT_EQ(f["config"]["backup"], file + ".mkata-backup");
  EXPECT_EQ(f["handlers"][0]["name"], "kata");
  EXPECT_EQ(f["restart"]["done"], true);
  EXPECT_EQ(f["read_back"]["done"], true);
  EXPECT_EQ(f["read_back"]["loaded"], nlohmann::json::array({"kata"}));
}

}  // namespace
}  // namespace mkata::node
