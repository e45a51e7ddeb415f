// Kata installs from a local archive; the URL path and the hostile archives are covered by
// tests/integration/artifacts_test.cc.
#include "artifacts/kata_release.h"

#include <gtest/gtest.h>

#include "artifacts/checksum.h"
#include "artifacts/testing/release_fixtures.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

struct KataFixture {
  test::TempDir dir{"mkata-kata"};
  std::string archive = dir / "kata-static-3.2.0-amd64.tar.xz";
  KataInstallOptions options;
  KataFixture() {
    options.prefix = dir / "opt/kata";
    options.manifest_dir = dir / "manifests";
    options.download.cancelled = [] { return false; };
  }
  void write(const std::vector<testing::TarEntry>& entries) {
    ASSERT_TRUE(testing::write_tar(archive, entries));
    options.source = archive;
    options.sha256 = *file_digest_hex(archive, DigestAlgorithm::kSha256);
  }
};

TEST(KataRelease, VersionFromTheArchiveName) {
  EXPECT_EQ(kata_version_from_name("kata-static-3.2.0-amd64.tar.xz"), "3.2.0");
  EXPECT_EQ(kata_version_from_name("kata-static-3.3.0-rc0-arm64.tar.zst"), "3.3.0-rc0");
  EXPECT_EQ(kata_version_from_name("kata.tar.xz"), "unknown");
  EXPECT_EQ(kata_version_from_name("kata-static-3.2.0-amd64.zip"), "unknown");
  EXPECT_EQ(kata_version_from_name("kata-static-3.2.0-riscv.tar.xz"), "unknown");
  EXPECT_EQ(kata_version_from_name("kata-static-3.2.0-amd64.tar"), "3.2.0");
}

TEST(KataRelease, InstallsALocalArchiveAndNamesTheHandlerPaths) {
  KataFixture f;
  f.write(testing::kata_static_entries());
  auto installed = install_kata_release(f.options);
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(installed->version, "3.2.0");
  EXPECT_TRUE(installed->verified);
  EXPECT_EQ(installed->shim_path, f.options.prefix + "/bin/containerd-shim-kata-v2");
  EXPECT_EQ(installed->runtime_type, "io.containerd.kata.v2");
  EXPECT_EQ(installed->config_path,
            f.options.prefix + "/share/defaults/kata-containers/configuration.toml");
  EXPECT_EQ(installed->added.size(), 12u);
  // Not under /opt/kata: the configuration must point at the prefix.
  auto config =
      read_file(f.options.prefix + "/share/defaults/kata-containers/configuration-qemu.toml");
  ASSERT_TRUE(config);
  EXPECT_NE(config->find("path = \"" + f.options.prefix + "/bin/qemu-system-x86_64\""),
            std::string::npos);
  EXPECT_EQ(config->find("\"/opt/kata/"), std::string::npos);
  EXPECT_EQ(installed->notes,
            std::vector<std::string>{"rewrote /opt/kata paths to " + f.options.prefix +
                                     " in 2 configuration files"});
}

TEST(KataRelease, MissingShimIsNotAKataRelease) {
  KataFixture f;
  auto entries = testing::kata_static_entries();
  std::erase_if(entries, [](const testing::TarEntry& e) {
    return e.path.ends_with("containerd-shim-kata-v2");
  });
  f.write(entries);
  auto installed = install_kata_release(f.options);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: kata-static-3.2.0-amd64.tar.xz is not a Kata static release: "
            "opt/kata/bin/containerd-shim-kata-v2 is missing");
  EXPECT_FALSE(path_exists(f.options.prefix));
}

TEST(KataRelease, UsageErrors) {
  KataFixture f;
  f.options.source = "https://example.com/kata-static-3.2.0-amd64.tar.xz";
  auto unverified = install_kata_release(f.options);
  ASSERT_FALSE(unverified);
  EXPECT_EQ(unverified.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(unverified.error().message(),
            "install kata: https://example.com/kata-static-3.2.0-amd64.tar.xz is a download: "
            "pass --sha256 HEX or --checksum-file FILE|URL so that it can be verified before it "
            "is installed");
  f.options.prefix = "opt/kata";
  EXPECT_EQ(install_kata_release(f.options).error().message(),
            "install kata: prefix 'opt/kata': expected an absolute directory such as /opt/kata");
  f.options.prefix = f.dir / "p";
  f.options.source = f.dir / "absent.tar.xz";
  f.options.sha256 = "";
  EXPECT_EQ(install_kata_release(f.options).error().message(),
            "install kata: read " + (f.dir / "absent.tar.xz") + ": No such file or directory");
}

TEST(KataRelease, UnverifiedLocalArchiveIsInstalledAndSaysSo) {
  KataFixture f;
  f.write(testing::kata_static_entries());
  f.options.sha256.clear();
  auto installed = install_kata_release(f.options);
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_FALSE(installed->verified);
  EXPECT_NE(render_install_summary(*installed).find("NOT verified: no checksum given"),
            std::string::npos);
}

}  // namespace
}  // namespace mkata::artifacts
