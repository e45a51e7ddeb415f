// Installing the runtimes themselves from release files, end to end: archives in the real
// upstream layouts are built at test time (libarchive's writer), served by a real HTTP server on
// 127.0.0.1, fetched by libcurl, verified, unpacked, placed under a private prefix, recorded and
// purged. Every test asserts the directory tree on disk, not just the returned value.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "artifacts/checksum.h"
#include "artifacts/gvisor_release.h"
#include "artifacts/install_manifest.h"
#include "artifacts/kata_release.h"
#include "artifacts/testing/loopback_http_server.h"
#include "artifacts/testing/release_fixtures.h"
#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

namespace fs = std::filesystem;
using testing::LoopbackHttpServer;
using testing::Route;
using testing::TarEntry;

constexpr const char* kArchive = "kata-static-3.2.0-amd64.tar.xz";
constexpr const char* kArchivePath =
    "/kata-containers/releases/download/3.2.0/"
    "kata-static-3.2.0-amd64.tar.xz";

// Every path under root with what identifies its content: "file <sha256> <mode>",
// "link <target>", "dir <mode>"; with_identity adds inode and mtime (proves "not rewritten").
using Tree = std::map<std::string, std::string>;
Tree snapshot(const std::string& root, bool with_identity = false) {
  Tree tree;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string path = it->path().string();
    struct stat st {};
    lstat(path.c_str(), &st);
    std::string what;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    if (S_ISDIR(st.st_mode)) {
      what = std::string("dir ") + mode;
    } else if (S_ISLNK(st.st_mode)) {
      what = "link " + fs::read_symlink(path).string();
    } else {
      what = "file " + *file_digest_hex(path, DigestAlgorithm::kSha256) + " " + mode;
    }
    if (with_identity) {
      what += " ino " + std::to_string(st.st_ino) + " mtime " + std::to_string(st.st_mtim.tv_sec) +
              "." + std::to_string(st.st_mtim.tv_nsec);
    }
    tree[path.substr(root.size())] = what;
  }
  return tree;
}

std::vector<std::string> keys(const Tree& tree) {
  std::vector<std::string> out;
  for (const auto& [k, v] : tree) out.push_back(k);
  return out;
}

// Staging directories left next to the prefix (there must never be any after an install).
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().starts_with(".mkata-staging")) out.push_back(e.path());
  }
  return out;
}

const std::vector<std::string> kKataTree = {
    "/bin",
    "/bin/cloud-hypervisor",
    "/bin/containerd-shim-kata-v2",
    "/bin/kata-collect-data.sh",
    "/bin/kata-runtime",
    "/bin/qemu-system-x86_64",
    "/share",
    "/share/defaults",
    "/share/defaults/kata-containers",
    "/share/defaults/kata-containers/configuration-clh.toml",
    "/share/defaults/kata-containers/configuration-qemu.toml",
    "/share/defaults/kata-containers/configuration.toml",
    "/share/kata-containers",
    "/share/kata-containers/kata-containers.img",
    "/share/kata-containers/kata-ubuntu-latest.image",
    "/share/kata-containers/vmlinux-6.1.38-117",
    "/share/kata-containers/vmlinux.container",
};

// A release server with the Kata archive and its checksum file, and a private prefix.
class KataRelease : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(testing::write_tar(dir_ / kArchive, testing::kata_static_entries()));
    archive_bytes_ = *read_file(dir_ / kArchive);
    sha256_ = digest_hex(archive_bytes_, DigestAlgorithm::kSha256);
    server_.route(kArchivePath, {200, archive_bytes_});
    server_.route("/kata-containers/releases/download/3.2.0/SHA256SUMS",
                  {200, std::string(64, '0') + "  kata-static-3.2.0-arm64.tar.xz\n" + sha256_ +
                            "  " + kArchive + "\n"});
    ASSERT_TRUE(server_.start());
    options_.source = server_.url(kArchivePath);
    options_.checksum_file = server_.url("/kata-containers/releases/download/3.2.0/SHA256SUMS");
    options_.prefix = prefix_;
    options_.manifest_dir = dir_ / "var/lib/mkata/manifests";
    options_.download.first_backoff = std::chrono::milliseconds(10);
    options_.download.cancelled = [] { return false; };
  }

  // Serves a hostile variant of the archive at `path` and returns its URL and sha256.
  void serve_archive(const std::string& path, const std::vector<TarEntry>& entries) {
    std::string file = dir_ / "variant.tar.xz";
    ASSERT_TRUE(testing::write_tar(file, entries));
    std::string bytes = *read_file(file);
    server_.route(path, {200, bytes});
    options_.source = server_.url(path);
    options_.checksum_file.clear();
    options_.sha256 = digest_hex(bytes, DigestAlgorithm::kSha256);
  }

  void expect_nothing_installed() {
    EXPECT_FALSE(path_exists(prefix_)) << prefix_ << " was created";
    EXPECT_FALSE(path_exists(options_.manifest_dir + "/kata.json"));
    EXPECT_TRUE(leftovers(dir_.path()).empty());
    EXPECT_TRUE(leftovers(dir_.path() + "/opt").empty());
  }

  test::TempDir dir_{"mkata-artifacts"};
  std::string prefix_ = dir_ / "opt/kata";
  LoopbackHttpServer server_{64};
  std::string archive_bytes_, sha256_;
  KataInstallOptions options_;
};

TEST_F(KataRelease, InstallsTheArchiveFromAUrlInTheRealLayout) {
  make_directories(dir_ / "opt");
  auto installed = install_kata_release(options_);
  ASSERT_TRUE(installed) << installed.error().message();
  Tree tree = snapshot(prefix_);
  EXPECT_EQ(keys(tree), kKataTree);
  EXPECT_EQ(tree["/bin/containerd-shim-kata-v2"].substr(70), "0755");
  EXPECT_EQ(tree["/share/defaults/kata-containers/configuration.toml"],
            "link configuration-qemu.toml");
  EXPECT_EQ(tree["/share/kata-containers/vmlinux.container"], "link vmlinux-6.1.38-117");
  EXPECT_EQ(installed->shim_path, prefix_ + "/bin/containerd-shim-kata-v2");
  EXPECT_EQ(installed->config_path, prefix_ + "/share/defaults/kata-containers/configuration.toml");
  EXPECT_EQ(installed->digest, "sha256:" + sha256_);
  EXPECT_TRUE(leftovers(dir_ / "opt").empty());
  // The stand-in shim really runs from where it was installed.
  auto out = run_checked({installed->shim_path, "--version"});
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "containerd-shim-kata-v2 version 3.2.0\n");
  auto manifest = load_manifest(options_.manifest_dir + "/kata.json");
  ASSERT_TRUE(manifest && *manifest);
  EXPECT_EQ((*manifest)->files.size(), 12u);
  EXPECT_EQ((*manifest)->source_digest, "sha256:" + sha256_);
  EXPECT_EQ((*manifest)->directories,
            (std::vector<std::string>{
                prefix_, prefix_ + "/bin", prefix_ + "/share", prefix_ + "/share/defaults",
                prefix_ + "/share/defaults/kata-containers", prefix_ + "/share/kata-containers"}));
  auto json = nlohmann::json::parse(install_summary_json(*installed));
  EXPECT_EQ(json["shim_path"], installed->shim_path);
  EXPECT_EQ(json["added"].size(), 12u);
  EXPECT_EQ(render_install_summary(*installed),
            "installed kata 3.2.0 into " + prefix_ +
                " (checksum verified)\n"
                "  files: 12 added, 0 replaced, 0 unchanged, 0 removed\n"
                "  version: 3.2.0\n"
                "  runtime: " +
                prefix_ +
                "/bin/kata-runtime\n"
                "  shim: " +
                prefix_ +
                "/bin/containerd-shim-kata-v2\n"
                "  runtime_type: io.containerd.kata.v2\n"
                "  config: " +
                prefix_ +
                "/share/defaults/kata-containers/configuration.toml\n"
                "  manifest: " +
                options_.manifest_dir +
                "/kata.json\n"
                "  note: rewrote /opt/kata paths to " +
                prefix_ + " in 2 configuration files\n");
}

TEST_F(KataRelease, ReinstallChangesNothingAndSaysSo) {
  ASSERT_TRUE(install_kata_release(options_));
  Tree before = snapshot(prefix_, true);
  std::string manifest_before = *read_file(options_.manifest_dir + "/kata.json");
  auto again = install_kata_release(options_);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->unchanged.size(), 12u);
  EXPECT_TRUE(again->added.empty() && again->replaced.empty());
  EXPECT_EQ(snapshot(prefix_, true), before);  // same inodes, same mtimes
  EXPECT_EQ(*read_file(options_.manifest_dir + "/kata.json"), manifest_before);
  EXPECT_EQ(render_install_summary(*again).substr(0, render_install_summary(*again).find('\n')),
            "kata 3.2.0 is already installed in " + prefix_ + ": 12 files unchanged");
}

TEST_F(KataRelease, ChecksumMismatchLeavesThePrefixUntouched) {
  ASSERT_TRUE(install_kata_release(options_));
  Tree before = snapshot(prefix_, true);
  std::string wrong = digest_hex("something else", DigestAlgorithm::kSha256);
  options_.checksum_file.clear();
  options_.sha256 = wrong;
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: checksum mismatch for kata-static-3.2.0-amd64.tar.xz: expected sha256 " +
                wrong + ", got " + sha256_);
  EXPECT_EQ(snapshot(prefix_, true), before);
  EXPECT_TRUE(leftovers(dir_ / "opt").empty());
}

// The prefix on its own small file system (a 2 MiB tmpfs the test mounts over the private
// prefix, unmounted after): the staging directory is on the other side, so every file crosses
// file systems as a copy, and an upgrade too big for the prefix runs out of space mid-placement,
// after several files were already replaced.
TEST_F(KataRelease, DiskFullDuringPlacementLeavesThePrefixAsItWas) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  ASSERT_TRUE(make_directories(prefix_));
  if (mount("mkata-test", prefix_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=2m,mode=0755")) {
    GTEST_SKIP() << "cannot mount a tmpfs at " << prefix_ << ": " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{prefix_};
  ASSERT_TRUE(install_kata_release(options_));
  Tree before = snapshot(prefix_);
  std::string manifest = *read_file(options_.manifest_dir + "/kata.json");

  auto entries = testing::kata_static_entries("3.3.0");  // every binary changes
  entries.push_back(testing::zeros_entry("./opt/kata/share/kata-containers/big.img", 3 << 20));
  std::string upgrade = dir_ / "kata-static-3.3.0-amd64.tar.xz";
  ASSERT_TRUE(testing::write_tar(upgrade, entries));
  options_.source = upgrade;
  options_.checksum_file.clear();
  options_.sha256 = *file_digest_hex(upgrade, DigestAlgorithm::kSha256);
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(), "install kata: install into " + prefix_ + ": write " +
                                             prefix_ +
                                             "/share/kata-containers/big.img: No space left on "
                                             "device");
  EXPECT_EQ(snapshot(prefix_), before);  // every replaced binary is back, nothing added stays
  EXPECT_EQ(*read_file(options_.manifest_dir + "/kata.json"), manifest);
  EXPECT_FALSE(path_exists(options_.manifest_dir + "/kata.json.pending"));
  EXPECT_TRUE(leftovers(dir_ / "opt").empty());
}

TEST_F(KataRelease, ChecksumMismatchOnAFreshHostInstallsNothing) {
  options_.checksum_file.clear();
  options_.sha256 = std::string(64, 'a');
  ASSERT_FALSE(install_kata_release(options_));
  expect_nothing_installed();
}

TEST_F(KataRelease, RefusesATraversalEntry) {
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::file_entry("../../etc/x", "owned"));
  serve_archive("/evil-traversal.tar.xz", entries);
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: unpack " + server_.url("/evil-traversal.tar.xz") +
                ": refuse archive entry '../../etc/x': path contains '..'");
  expect_nothing_installed();
  EXPECT_FALSE(path_exists(dir_ / "etc/x"));
}

TEST_F(KataRelease, RefusesAnEscapingSymlink) {
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::symlink_entry("./opt/kata/bin/kata-monitor", "../../../etc/passwd"));
  serve_archive("/evil-symlink.tar.xz", entries);
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: unpack " + server_.url("/evil-symlink.tar.xz") +
                ": refuse archive entry './opt/kata/bin/kata-monitor': symlink target "
                "'../../../etc/passwd' escapes the install prefix");
  expect_nothing_installed();
}

TEST_F(KataRelease, RefusesADeviceNode) {
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::special_entry("./opt/kata/dev/kvm", TarEntry::Type::kCharDevice));
  serve_archive("/evil-device.tar.xz", entries);
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: unpack " + server_.url("/evil-device.tar.xz") +
                ": refuse archive entry './opt/kata/dev/kvm': character device (device nodes, "
                "FIFOs and sockets are not allowed)");
  expect_nothing_installed();
}

TEST_F(KataRelease, PurgeRemovesExactlyTheManifest) {
  make_directories(dir_ / "opt");
  auto installed = install_kata_release(options_);
  ASSERT_TRUE(installed) << installed.error().message();
  std::string mine = prefix_ + "/bin/my-helper";
  std::string clh = prefix_ + "/share/defaults/kata-containers/configuration-clh.toml";
  ASSERT_TRUE(write_file_atomic(mine, "#!/bin/sh\n", 0755));
  ASSERT_TRUE(write_file_atomic(clh, "# tuned by the operator\n"));
  auto purged = purge_runtime("kata", installed->manifest_path);
  ASSERT_TRUE(purged) << purged.error().message();
  EXPECT_EQ(purged->removed.size(), 11u);
  EXPECT_EQ(purged->kept_modified, std::vector<std::string>{clh});
  EXPECT_EQ(purged->kept_foreign, std::vector<std::string>{mine});
  EXPECT_EQ(keys(snapshot(prefix_)),
            (std::vector<std::string>{"/bin", "/bin/my-helper", "/share", "/share/defaults",
                                      "/share/defaults/kata-containers",
                                      "/share/defaults/kata-containers/configuration-clh.toml"}));
  EXPECT_EQ(*read_file(mine), "#!/bin/sh\n");
  EXPECT_TRUE(purged->manifest_kept);
  EXPECT_EQ(render_purge_summary(*purged),
            "purged kata: removed 11 files and 1 directory\n"
            "  kept (modified since install): " +
                clh +
                "\n"
                "  kept (not installed by mkata): " +
                mine +
                "\n"
                "  kept directory (not empty): " +
                prefix_ +
                "/share/defaults/kata-containers\n"
                "  kept directory (not empty): " +
                prefix_ +
                "/share/defaults\n"
                "  kept directory (not empty): " +
                prefix_ +
                "/share\n"
                "  kept directory (not empty): " +
                prefix_ +
                "/bin\n"
                "  kept directory (not empty): " +
                prefix_ +
                "\n"
                "  manifest kept (lists what is left): " +
                installed->manifest_path + "\n");
  // Without the user's files, a second install + purge leaves no trace at all.
  fs::remove(mine);
  fs::remove(clh);
  ASSERT_TRUE(install_kata_release(options_));
  ASSERT_TRUE(purge_runtime("kata", installed->manifest_path));
  EXPECT_FALSE(path_exists(prefix_));
  EXPECT_FALSE(path_exists(installed->manifest_path));
  EXPECT_TRUE(path_exists(dir_ / "opt"));  // existed before the install
}

TEST_F(KataRelease, InterruptedDownloadLeavesNothingAndARetryResumes) {
  Route dropping{200, archive_bytes_};
  dropping.drop_first = 1000;
  dropping.drop_after = archive_bytes_.size() / 3;
  server_.route(kArchivePath, dropping);
  options_.download.attempts = 2;
  auto failed = install_kata_release(options_);
  ASSERT_FALSE(failed);
  size_t third = archive_bytes_.size() / 3;
  EXPECT_EQ(failed.error().message(), "install kata: download " + options_.source +
                                          ": transfer closed with " +
                                          std::to_string(archive_bytes_.size() - 2 * third) +
                                          " bytes remaining to read (after 2 attempts)");
  expect_nothing_installed();

  // Ctrl-C in the middle of the transfer: an interrupt, and again nothing left behind.
  Route slow{200, archive_bytes_};
  slow.chunk_delay = std::chrono::milliseconds(2);
  server_.route(kArchivePath, slow);
  options_.checksum_file.clear();  // only the archive is downloaded, so only it is cancelled
  options_.sha256 = sha256_;
  bool stop = false;
  options_.download.progress = [&](uint64_t received, std::optional<uint64_t>) {
    stop = received > 100000;
  };
  options_.download.cancelled = [&] { return stop; };
  auto cancelled = install_kata_release(options_);
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().kind(), ErrorKind::kInterrupted);
  expect_nothing_installed();

  // The link drops once; the retry resumes with a Range request and the install completes.
  options_.download.progress = nullptr;
  options_.download.cancelled = [] { return false; };
  Route once{200, archive_bytes_};
  once.drop_first = 1;
  once.drop_after = third;
  server_.route(kArchivePath, once);
  size_t before = server_.requests().size();
  auto installed = install_kata_release(options_);
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(keys(snapshot(prefix_)), kKataTree);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), before + 2);  // the dropped transfer, then the resumed one
  EXPECT_EQ(seen.back().path, kArchivePath);
  EXPECT_EQ(seen.back().range, "bytes=" + std::to_string(third) + "-");
}

TEST_F(KataRelease, MissingArchiveIsA404NamingTheUrl) {
  options_.source =
      server_.url("/kata-containers/releases/download/9.9.9/" + std::string(kArchive));
  auto installed = install_kata_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: download " + options_.source + ": HTTP 404 Not Found");
  expect_nothing_installed();
}

// gVisor's upstream layout: separate binaries, each with a .sha512 beside it.
class GvisorRelease : public ::testing::Test {
 protected:
  void SetUp() override {
    make_directories(dir_ / "release");
    ASSERT_TRUE(testing::write_gvisor_release(dir_ / "release", "release-20240101.0"));
    for (const char* name : kGvisorBinaries) {
      for (std::string file : {std::string(name), std::string(name) + ".sha512"}) {
        server_.route(base_ + "/" + file, {200, *read_file(dir_ / "release" + "/" + file)});
      }
    }
    ASSERT_TRUE(server_.start());
    options_.source = server_.url(base_);
    options_.prefix = dir_ / "usr/local/bin";
    options_.manifest_dir = dir_ / "manifests";
    options_.download.cancelled = [] { return false; };
    make_directories(options_.prefix);
  }
  test::TempDir dir_{"mkata-artifacts-gvisor"};
  std::string base_ = "/gvisor/releases/release/20240101.0/x86_64";
  LoopbackHttpServer server_{64};
  GvisorInstallOptions options_;
};

TEST_F(GvisorRelease, InstallsBothBinariesFromAUrlVerifiedBySha512) {
  auto installed = install_gvisor_release(options_);
  ASSERT_TRUE(installed) << installed.error().message();
  Tree tree = snapshot(options_.prefix);
  EXPECT_EQ(keys(tree), (std::vector<std::string>{"/containerd-shim-runsc-v1", "/runsc"}));
  EXPECT_TRUE(tree["/runsc"].ends_with(" 0755"));
  EXPECT_EQ(*run_checked({options_.prefix + "/runsc", "--version"}),
            "runsc version release-20240101.0\n");
  EXPECT_EQ(installed->runtime_type, "io.containerd.runsc.v1");
  EXPECT_EQ(installed->version, "release-20240101.0");
  auto again = install_gvisor_release(options_);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  auto purged = purge_runtime("gvisor", installed->manifest_path);
  ASSERT_TRUE(purged) << purged.error().message();
  EXPECT_TRUE(snapshot(options_.prefix).empty());
  EXPECT_TRUE(path_exists(options_.prefix));  // /usr/local/bin existed: never removed
}

TEST_F(GvisorRelease, TamperedDownloadInstallsNothing) {
  server_.route(base_ + "/runsc", {200, "#!/bin/sh\necho tampered\n"});
  auto installed = install_gvisor_release(options_);
  ASSERT_FALSE(installed);
  EXPECT_TRUE(installed.error().message().starts_with(
      "install gvisor: checksum mismatch for runsc: expected sha512 "))
      << installed.error().message();
  EXPECT_TRUE(snapshot(options_.prefix).empty());
  EXPECT_TRUE(leftovers(dir_ / "usr/local").empty());
}

TEST(GvisorDistribution, UsesDebiansRunscAndNamesAPathTheHandlerCanUse) {
  if (!path_exists("/usr/bin/runsc")) GTEST_SKIP() << "Debian's runsc package is not installed";
  test::TempDir dir("mkata-artifacts-debian");
  GvisorInstallOptions options;
  options.manifest_dir = dir / "manifests";
  auto installed = install_gvisor_release(options);
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_TRUE(installed->from_distribution);
  EXPECT_EQ(installed->binary_path, "/usr/bin/runsc");
  EXPECT_EQ(installed->manifest_path, "");
  EXPECT_FALSE(path_exists(dir / "manifests"));  // nothing installed, nothing recorded
  EXPECT_NE(installed->version, "unknown");
  EXPECT_TRUE(installed->source.starts_with("Debian's runsc package ")) << installed->source;
  if (!find_executable("containerd-shim-runsc-v1")) {
    EXPECT_EQ(installed->runtime_type, "io.containerd.runc.v2");
  }
  // The path the handler will use (BinaryName) really is a working runsc.
  auto version = run_checked({installed->binary_path, "--version"});
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_TRUE(version->starts_with("runsc version ")) << *version;
  EXPECT_EQ(access(installed->binary_path.c_str(), X_OK), 0);
}

// --- The real CLI: install --from, then the handler; uninstall --purge removes both
// ---------------

const std::string kMkata = binary_path("/src/cli/mkata");

ProcessResult mkata(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kMkata};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : ProcessResult{};
}

TEST_F(KataRelease, CliInstallsFromAnArchiveRegistersItAndPurgeUndoesBoth) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  const std::string original = "version = 2\n# the user's config\n";
  std::string config = dir_ / "config.toml";
  ASSERT_TRUE(write_file_atomic(config, original));
  std::vector<std::string> where = {"--config",    config,  "--distro",       "containerd",
                                    "--prefix",    prefix_, "--manifest-dir", options_.manifest_dir,
                                    "--no-restart"};
  std::vector<std::string> install = {"install",       "--runtime", "kata", "--from",
                                      dir_ / kArchive, "--sha256",  sha256_};
  install.insert(install.end(), where.begin(), where.end());
  auto r = mkata(install);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // what it did is a note for people: stderr
  std::string shim = prefix_ + "/bin/containerd-shim-kata-v2";
  std::string kata_config = prefix_ + "/share/defaults/kata-containers/configuration.toml";
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            "installed kata 3.2.0 into " + prefix_ + " (checksum verified)");
  EXPECT_NE(r.err.find("  shim: " + shim + "\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  files: 12 added, 0 replaced, 0 unchanged, 0 removed\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(keys(snapshot(prefix_)), kKataTree);
  EXPECT_TRUE(path_exists(options_.manifest_dir + "/kata.json"));
  std::string text = *read_file(config);
  EXPECT_NE(text.find("runtime_path = \"" + shim + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("ConfigPath = \"" + kata_config + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("runtime_type = \"io.containerd.kata.v2\""), std::string::npos) << text;

  auto again = mkata(install);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.substr(0, again.err.find('\n')),
            "kata 3.2.0 is already installed in " + prefix_ + ": 12 files unchanged")
      << again.err;

  std::vector<std::string> uninstall = {
      "uninstall",   "--runtime", "kata",       "--purge",        "--config",
      config,        "--distro",  "containerd", "--manifest-dir", options_.manifest_dir,
      "--no-restart"};
  auto u = mkata(uninstall);
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_NE(u.err.find("purged kata: removed "), std::string::npos) << u.err;
  EXPECT_EQ(*read_file(config), original);
  EXPECT_FALSE(path_exists(prefix_)) << u.err;
  EXPECT_FALSE(path_exists(options_.manifest_dir + "/kata.json"));

  auto twice = mkata(uninstall);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("mkata: error: purge kata: no manifest at " + options_.manifest_dir +
                           "/kata.json: mkata did not install kata (nothing to purge)"),
            std::string::npos)
      << twice.err;
}

// Before: the entry was placed, then the manifest's JSON dump threw nlohmann's type_error 316,
// nothing caught it, and mkata aborted (exit 134) leaving files that no manifest listed.
TEST_F(KataRelease, CliRefusesANameThatIsNotUtf8WithOneErrorLine) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::file_entry("./opt/kata/bin/kata-\xff", "x", 0755));
  std::string archive = dir_ / "bad/kata-static-3.2.0-amd64.tar.xz";
  ASSERT_TRUE(make_directories(dir_ / "bad"));
  ASSERT_TRUE(write_file_atomic(dir_ / "config.toml", "version = 2\n"));
  ASSERT_TRUE(testing::write_tar(archive, entries));
  auto r = mkata({"install", "--runtime", "kata", "--from", archive, "--sha256",
                  *file_digest_hex(archive, DigestAlgorithm::kSha256), "--prefix", prefix_,
                  "--manifest-dir", options_.manifest_dir, "--config", dir_ / "config.toml",
                  "--distro", "containerd", "--no-restart"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "mkata: error: install kata: unpack " + archive +
                       ": refuse archive entry './opt/kata/bin/kata-\\xff': name is not valid "
                       "UTF-8\n");
  expect_nothing_installed();
}

TEST_F(KataRelease, CliRefusesAnArchiveBomb) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::zeros_entry("./opt/kata/share/kata-containers/z.img", 1ull << 30));
  std::string archive = dir_ / "bomb/kata-static-3.2.0-amd64.tar.xz";
  ASSERT_TRUE(make_directories(dir_ / "bomb"));
  ASSERT_TRUE(write_file_atomic(dir_ / "config.toml", "version = 2\n"));
  ASSERT_TRUE(testing::write_tar(archive, entries));
  auto r = mkata({"install", "--runtime", "kata", "--from", archive, "--prefix", prefix_,
                  "--manifest-dir", options_.manifest_dir, "--config", dir_ / "config.toml",
                  "--distro", "containerd", "--no-restart"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("refuse archive entry './opt/kata/share/kata-containers/z.img': unpacked "
                       "size would exceed 50 times the archive's size ("),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the cap against archive bombs"), std::string::npos) << r.err;
  expect_nothing_installed();
}

TEST(ArtifactsCli, BadFromFlagsAreUsageErrorsNamingTheOption) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  std::string hex(64, 'a');
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--runtime", "runc", "--from", "/x.tar.xz"},
       "--from /x.tar.xz: needs exactly one --runtime, kata or gvisor (got: runc)"},
      {{"--runtime", "kata", "--sha256", hex},
       "--sha256 " + hex + ": needs --from (it applies to the installed files)"},
      {{"--runtime", "kata", "--from", "/x.tar.xz", "--sha256", hex, "--checksum-file", "/s"},
       "--sha256 " + hex + " and --checksum-file /s are exclusive: give one"},
      {{"--runtime", "kata", "--from", "/x.tar.xz", "--prefix", "opt"},
       "--prefix opt: must be an absolute path"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"install"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = mkata(args);
    EXPECT_EQ(r.exit_code, 2) << c.error;
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')), "mkata: error: install: " + c.error);
    EXPECT_EQ(r.out, "");
  }
}

}  // namespace
}  // namespace mkata::artifacts
