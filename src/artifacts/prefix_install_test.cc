#include "artifacts/prefix_install.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

// A staging tree "stage/{bin/a,bin/b,share/c -> ../bin/a}" to place under "prefix".
struct Fixture {
  test::TempDir dir{"mkata-place"};
  std::string stage = dir / "stage";
  std::string prefix = dir / "prefix";
  void stage_tree(const std::string& a_content = "a") {
    std::filesystem::remove_all(stage);
    make_directories(stage + "/bin");
    make_directories(stage + "/share");
    write_file_atomic(stage + "/bin/a", a_content, 0755);
    write_file_atomic(stage + "/bin/b", "b", 0644);
    symlink("../bin/a", (stage + "/share/c").c_str());
  }
  Result<Placement> place(const InstallManifest* previous = nullptr, bool force = false) {
    return place_tree({stage, prefix, previous, force});
  }
  InstallManifest manifest_of(const Placement& p) {
    return {"kata", "1", "s", "", prefix, "t", p.entries, p.directories};
  }
};

TEST(PlaceTree, InstallsIntoAMissingPrefixAndRecordsDirectories) {
  Fixture f;
  f.stage_tree();
  auto placed = f.place();
  ASSERT_TRUE(placed) << placed.error().message();
  EXPECT_EQ(placed->added.size(), 3u);
  EXPECT_EQ(placed->directories,
            (std::vector<std::string>{f.prefix, f.prefix + "/bin", f.prefix + "/share"}));
  EXPECT_EQ(*read_file(f.prefix + "/share/c"), "a");
  struct stat st {};
  stat((f.prefix + "/bin/a").c_str(), &st);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_TRUE(placed->changed());
}

TEST(PlaceTree, SecondPlacementChangesNothing) {
  Fixture f;
  f.stage_tree();
  auto first = f.place();
  ASSERT_TRUE(first);
  InstallManifest m = f.manifest_of(*first);
  f.stage_tree();
  auto second = f.place(&m);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_FALSE(second->changed());
  EXPECT_EQ(second->unchanged.size(), 3u);
  EXPECT_EQ(second->entries, first->entries);
  EXPECT_EQ(second->directories, first->directories);
}

TEST(PlaceTree, ReplacesItsOwnFilesAndRemovesDroppedOnes) {
  Fixture f;
  f.stage_tree();
  auto first = f.place();
  InstallManifest m = f.manifest_of(*first);
  f.stage_tree("a, version 2");
  std::filesystem::remove(f.stage + "/bin/b");
  auto second = f.place(&m);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->replaced, std::vector<std::string>{f.prefix + "/bin/a"});
  EXPECT_EQ(second->removed_stale, std::vector<std::string>{f.prefix + "/bin/b"});
  EXPECT_FALSE(path_exists(f.prefix + "/bin/b"));
}

TEST(PlaceTree, RefusesToOverwriteForeignFilesUnlessForced) {
  Fixture f;
  f.stage_tree();
  make_directories(f.prefix + "/bin");
  write_file_atomic(f.prefix + "/bin/a", "the user's own a");
  auto placed = f.place();
  ASSERT_FALSE(placed);
  EXPECT_EQ(placed.error().message(), "install into " + f.prefix +
                                          ": 1 path is in the way (not installed by mkata, or "
                                          "modified since): " +
                                          f.prefix + "/bin/a; move them away or use --force");
  EXPECT_FALSE(path_exists(f.prefix + "/bin/b"));  // nothing moved
  auto forced = f.place(nullptr, true);
  ASSERT_TRUE(forced) << forced.error().message();
  EXPECT_EQ(*read_file(f.prefix + "/bin/a"), "a");
}

TEST(PlaceTree, AdoptsIdenticalFilesWithoutAManifest) {
  Fixture f;
  f.stage_tree();
  make_directories(f.prefix + "/bin");
  write_file_atomic(f.prefix + "/bin/a", "a", 0755);
  auto placed = f.place();
  ASSERT_TRUE(placed) << placed.error().message();
  EXPECT_EQ(placed->unchanged, std::vector<std::string>{f.prefix + "/bin/a"});
}

}  // namespace
}  // namespace mkata::artifacts
