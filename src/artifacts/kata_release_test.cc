// Kata installs from a local archive; the URL path and the hostile archives are covered by
// tests/integration/artifacts_test.cc.
#include "artifacts/kata_release.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

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
  // The name says .tar.xz; libarchive detects the compression from the bytes.
  void write(const std::vector<testing::TarEntry>& entries,
             testing::Compression compression = testing::Compression::kXz) {
    ASSERT_TRUE(testing::write_tar(archive, entries, compression));
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

// Every path under root with its type, mode and bytes.
std::map<std::string, std::string> listing(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::end(it); it.increment(ec)) {
    struct stat st {};
    lstat(it->path().c_str(), &st);
    std::string what = std::to_string(st.st_mode) + " ino " + std::to_string(st.st_ino);
    if (S_ISREG(st.st_mode)) {
      what += " " + file_digest_hex(it->path(), DigestAlgorithm::kSha256).value_or("?");
    }
    out[it->path().string()] = what;
  }
  return out;
}

// Before: the non-UTF-8 name was placed into the prefix, then the manifest's JSON dump threw
// type_error 316 and mkata aborted (exit 134), leaving files no manifest listed.
TEST(KataRelease, ANameThatIsNotUtf8LeavesThePrefixAsItWas) {
  KataFixture f;
  f.write(testing::kata_static_entries("3.1.0"));
  ASSERT_TRUE(install_kata_release(f.options));
  auto before = listing(f.dir / "opt");
  std::string manifest = *read_file(f.options.manifest_dir + "/kata.json");
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::file_entry("./opt/kata/bin/kata-\xe9\xff", "x", 0755));
  f.write(entries);
  auto installed = install_kata_release(f.options);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install kata: unpack " + f.archive +
                ": refuse archive entry './opt/kata/bin/kata-\\xe9\\xff': name is not valid UTF-8");
  EXPECT_EQ(listing(f.dir / "opt"), before);
  EXPECT_EQ(*read_file(f.options.manifest_dir + "/kata.json"), manifest);
}

TEST(KataRelease, AnArchiveBombIsRefusedBeforeItFillsTheDisk) {
  KataFixture f;
  auto entries = testing::kata_static_entries();
  entries.push_back(testing::zeros_entry("./opt/kata/share/kata-containers/huge.img", 1ull << 30));
  f.write(entries, testing::Compression::kZstd);  // fast to write; the CLI test uses xz
  auto installed = install_kata_release(f.options);
  ASSERT_FALSE(installed);
  EXPECT_NE(installed.error().message().find(
                "refuse archive entry './opt/kata/share/kata-containers/huge.img': unpacked size "
                "would exceed 50 times the archive's size ("),
            std::string::npos)
      << installed.error().message();
  EXPECT_FALSE(path_exists(f.options.prefix));
}

}  // namespace
}  // namespace mkata::artifacts
