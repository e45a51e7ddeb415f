// gVisor installs from a local directory; the URL path and Debian's runsc are covered by
// tests/integration/artifacts_test.cc.
#include "artifacts/gvisor_release.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "artifacts/checksum.h"
#include "artifacts/testing/release_fixtures.h"
#include "core/files.h"
#include "core/strings.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

struct GvisorFixture {
  test::TempDir dir{"mkata-gvisor"};
  GvisorInstallOptions options;
  GvisorFixture() {
    make_directories(dir / "release");
    options.source = dir / "release";
    options.prefix = dir / "usr/local/bin";
    options.manifest_dir = dir / "manifests";
    options.distribution_runsc = dir / "no-such-runsc";
  }
};

TEST(GvisorRelease, InstallsBothBinariesFromADirectory) {
  GvisorFixture f;
  ASSERT_TRUE(testing::write_gvisor_release(f.dir / "release", "release-20240101.0"));
  auto installed = install_gvisor_release(f.options);
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(installed->version, "release-20240101.0");
  EXPECT_EQ(installed->binary_path, f.options.prefix + "/runsc");
  EXPECT_EQ(installed->shim_path, f.options.prefix + "/containerd-shim-runsc-v1");
  EXPECT_EQ(installed->runtime_type, "io.containerd.runsc.v1");
  struct stat st {};
  ASSERT_EQ(stat(installed->shim_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST(GvisorRelease, AcceptsThePathOfRunscAsTheSource) {
  GvisorFixture f;
  ASSERT_TRUE(testing::write_gvisor_release(f.dir / "release", "release-20240101.0"));
  f.options.source = f.dir / "release/runsc";
  EXPECT_TRUE(install_gvisor_release(f.options));
}

TEST(GvisorRelease, MismatchInstallsNothing) {
  GvisorFixture f;
  ASSERT_TRUE(testing::write_gvisor_release(f.dir / "release", "release-20240101.0"));
  ASSERT_TRUE(write_file_atomic(f.dir / "release/containerd-shim-runsc-v1", "tampered", 0755));
  auto installed = install_gvisor_release(f.options);
  ASSERT_FALSE(installed);
  std::string expected_hex =
      trim(split(*read_file(f.dir / "release/containerd-shim-runsc-v1.sha512"), ' ')[0]);
  EXPECT_EQ(installed.error().message(),
            "install gvisor: checksum mismatch for containerd-shim-runsc-v1: expected sha512 " +
                expected_hex + ", got " + digest_hex("tampered", DigestAlgorithm::kSha512));
  EXPECT_FALSE(path_exists(f.options.prefix + "/runsc"));  // runsc was fine: still not installed
}

TEST(GvisorRelease, MissingChecksumFileIsAnError) {
  GvisorFixture f;
  ASSERT_TRUE(testing::write_gvisor_release(f.dir / "release", "r"));
  std::filesystem::remove(f.dir / "release/runsc.sha512");
  EXPECT_EQ(
      install_gvisor_release(f.options).error().message(),
      "install gvisor: read " + (f.dir / "release/runsc.sha512") + ": No such file or directory");
}

TEST(GvisorRelease, WithoutSourceOrPackageSaysWhatToDo) {
  GvisorFixture f;
  f.options.source.clear();
  auto installed = install_gvisor_release(f.options);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().message(),
            "install gvisor: no --from given and Debian's runsc package is not installed (" +
                f.options.distribution_runsc + " is missing)");
  EXPECT_EQ(installed.error().hint(),
            "apt-get install runsc, or pass --from URL|DIR holding runsc, "
            "containerd-shim-runsc-v1 and their .sha512 files");
}

}  // namespace
}  // namespace mkata::artifacts
