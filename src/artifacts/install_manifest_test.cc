#include "artifacts/install_manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifacts/checksum.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

ManifestEntry file_entry(const std::string& path, const std::string& content) {
  ManifestEntry e;
  e.path = path;
  e.sha256 = digest_hex(content, DigestAlgorithm::kSha256);
  e.mode = 0755;
  return e;
}

ManifestEntry link_entry(const std::string& path, const std::string& target) {
  ManifestEntry e;
  e.path = path;
  e.symlink = true;
  e.link_target = target;
  return e;
}

TEST(InstallManifest, RoundTripsThroughJson) {
  InstallManifest m{"kata",
                    "3.2.0",
                    "https://x/kata.tar.xz",
                    "sha256:ab",
                    "/opt/kata",
                    "2026-11-27T23:00:00Z",
                    {file_entry("/opt/kata/bin/a", "a"), link_entry("/opt/kata/c", "a")},
                    {"/opt/kata", "/opt/kata/bin"}};
  std::string json = manifest_to_json(m);
  EXPECT_NE(json.find("\"mode\": \"0755\""), std::string::npos) << json;
  auto back = parse_manifest(json, "m.json");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, m);
}

TEST(InstallManifest, RejectsForeignJson) {
  EXPECT_EQ(parse_manifest("{", "m.json").error().message(),
            "m.json: not an mkata manifest: invalid JSON");
  EXPECT_EQ(parse_manifest("{\"schema\": 2}", "m.json").error().message(),
            "m.json: not an mkata manifest: unsupported schema");
  auto missing = parse_manifest("{\"schema\": 1}", "m.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message().rfind("m.json: not an mkata manifest: ", 0), 0u);
}

TEST(InstallManifest, LoadReturnsNothingForAMissingFile) {
  test::TempDir dir("mkata-manifest");
  auto m = load_manifest(dir / "none.json");
  ASSERT_TRUE(m);
  EXPECT_FALSE(*m);
  EXPECT_EQ(manifest_path_for("kata", dir.path()), dir / "kata.json");
}

// A prefix with two files, a symlink and a nested directory, all recorded in a saved manifest.
struct Installed {
  test::TempDir dir{"mkata-purge"};
  std::string prefix = dir / "opt/kata";
  std::string manifest_path = dir / "manifests/kata.json";
  Installed() {
    make_directories(prefix + "/bin");
    write_file_atomic(prefix + "/bin/shim", "shim", 0755);
    write_file_atomic(prefix + "/bin/runtime", "runtime", 0755);
    symlink("shim", (prefix + "/bin/link").c_str());
    InstallManifest m{
        "kata",
        "3.2.0",
        "f",
        "",
        prefix,
        "t",
        {file_entry(prefix + "/bin/runtime", "runtime"), file_entry(prefix + "/bin/shim", "shim"),
         link_entry(prefix + "/bin/link", "shim")},
        {prefix, prefix + "/bin"}};
    save_manifest(manifest_path, m);
  }
};

TEST(PurgeRuntime, RemovesEverythingUntouched) {
  Installed in;
  auto purged = purge_runtime("kata", in.manifest_path);
  ASSERT_TRUE(purged) << purged.error().message();
  EXPECT_EQ(purged->removed.size(), 3u);
  EXPECT_EQ(purged->removed_directories, (std::vector<std::string>{in.prefix + "/bin", in.prefix}));
  EXPECT_FALSE(path_exists(in.prefix));
  EXPECT_TRUE(path_exists(in.dir / "opt"));  // existed before: not ours
  EXPECT_FALSE(path_exists(in.manifest_path));
}

TEST(PurgeRuntime, KeepsModifiedAndAddedFilesAndSaysSo) {
  Installed in;
  ASSERT_TRUE(write_file_atomic(in.prefix + "/bin/runtime", "edited by the user"));
  ASSERT_TRUE(write_file_atomic(in.prefix + "/bin/mine", "added by the user"));
  unlink((in.prefix + "/bin/link").c_str());
  symlink("elsewhere", (in.prefix + "/bin/link").c_str());
  auto purged = purge_runtime("kata", in.manifest_path);
  ASSERT_TRUE(purged) << purged.error().message();
  EXPECT_EQ(purged->removed, std::vector<std::string>{in.prefix + "/bin/shim"});
  EXPECT_EQ(purged->kept_modified,
            (std::vector<std::string>{in.prefix + "/bin/runtime", in.prefix + "/bin/link"}));
  EXPECT_EQ(purged->kept_foreign, std::vector<std::string>{in.prefix + "/bin/mine"});
  EXPECT_EQ(purged->kept_directories, (std::vector<std::string>{in.prefix + "/bin", in.prefix}));
  EXPECT_EQ(*read_file(in.prefix + "/bin/mine"), "added by the user");
  // The manifest now lists only what was kept; once the user's files are gone, a second purge
  // finishes the job.
  EXPECT_TRUE(purged->manifest_kept);
  auto rest = load_manifest(in.manifest_path);
  ASSERT_TRUE(rest && *rest);
  EXPECT_EQ((*rest)->files.size(), 2u);
  unlink((in.prefix + "/bin/mine").c_str());
  unlink((in.prefix + "/bin/runtime").c_str());
  unlink((in.prefix + "/bin/link").c_str());
  auto again = purge_runtime("kata", in.manifest_path);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_FALSE(again->manifest_kept);
  EXPECT_FALSE(path_exists(in.prefix));
  EXPECT_FALSE(path_exists(in.manifest_path));
}

TEST(InstallManifest, LoadAllListsEveryRuntime) {
  Installed in;
  InstallManifest g{"gvisor", "release-1", "d", "", "/usr/local/bin", "t", {}, {}};
  ASSERT_TRUE(save_manifest(in.dir / "manifests/gvisor.json", g));
  auto all = load_all_manifests(in.dir / "manifests");
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].runtime, "gvisor");
  EXPECT_EQ((*all)[1].version, "3.2.0");
  EXPECT_TRUE(load_all_manifests(in.dir / "none")->empty());
}

TEST(PurgeRuntime, ReportsAlreadyMissingFiles) {
  Installed in;
  unlink((in.prefix + "/bin/shim").c_str());
  auto purged = purge_runtime("kata", in.manifest_path);
  ASSERT_TRUE(purged);
  EXPECT_EQ(purged->missing, std::vector<std::string>{in.prefix + "/bin/shim"});
}

TEST(PurgeRuntime, RefusesWithoutAManifestOrForAnotherRuntime) {
  Installed in;
  EXPECT_EQ(purge_runtime("gvisor", in.manifest_path).error().message(),
            "purge gvisor: manifest " + in.manifest_path + " is for kata, not gvisor");
  EXPECT_EQ(purge_runtime("kata", in.dir / "none.json").error().message(),
            "purge kata: no manifest at " + (in.dir / "none.json") +
                ": mkata did not install kata (nothing to purge)");
  EXPECT_TRUE(path_exists(in.prefix + "/bin/shim"));
}

}  // namespace
}  // namespace mkata::artifacts
