#include "artifacts/prefix_install.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>

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
  std::string manifest_path = dir / "manifests/kata.json";
  std::string journal() const { return journal_path_for(manifest_path); }
  PlaceOptions with_journal(const InstallManifest* previous) {
    return {stage, prefix, previous, false, journal_path_for(manifest_path), "kata"};
  }
};

// Every path under root with its content and identity (type, bytes, mode, inode, mtime): equal
// snapshots mean the tree is exactly as it was, file for file.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::end(it); it.increment(ec)) {
    std::string path = it->path().string();
    struct stat st {};
    lstat(path.c_str(), &st);
    // A directory's mtime changes whenever a name is added to it and removed again.
    std::string what = std::to_string(st.st_mode) + " ino " + std::to_string(st.st_ino);
    if (!S_ISDIR(st.st_mode)) what += " mtime " + std::to_string(st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode)) what += " " + read_file(path).value_or("?");
    if (S_ISLNK(st.st_mode)) what += " -> " + std::filesystem::read_symlink(path).string();
    out[path] = what;
  }
  return out;
}

// An upgrade that touches every kind of change: bin/a replaced, bin/b dropped (stale), a new
// file in a new directory.
void stage_upgrade(Fixture& f) {
  f.stage_tree("a, version 2");
  std::filesystem::remove(f.stage + "/bin/b");
  make_directories(f.stage + "/lib/new");
  write_file_atomic(f.stage + "/lib/new/d", "d", 0644);
}

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

TEST(PlaceTree, AFailedCommitUndoesEveryChange) {
  Fixture f;
  f.stage_tree();
  auto first = f.place();
  ASSERT_TRUE(first);
  InstallManifest m = f.manifest_of(*first);
  auto before = snapshot(f.dir.path());
  before.erase(f.stage);  // the staging tree itself is consumed
  stage_upgrade(f);
  // The manifest cannot be written (a full /var): nothing of the upgrade may stay.
  bool committed = false;
  auto placed = place_tree(f.with_journal(&m), [&](const Placement& p) -> Result<void> {
    committed = true;
    EXPECT_EQ(p.replaced, std::vector<std::string>{f.prefix + "/bin/a"});
    EXPECT_EQ(p.removed_stale, std::vector<std::string>{f.prefix + "/bin/b"});
    EXPECT_TRUE(path_exists(f.journal()));
    EXPECT_EQ(*read_file(f.prefix + "/lib/new/d"), "d");
    return fail(Error::from_errno("write " + f.manifest_path, ENOSPC));
  });
  ASSERT_FALSE(placed);
  EXPECT_TRUE(committed);
  EXPECT_EQ(placed.error().message(), "install into " + f.prefix + ": write " + f.manifest_path +
                                          ": No space left on device");
  auto after = snapshot(f.dir.path());
  for (const auto& path : {f.stage, f.dir / "manifests"}) {
    std::erase_if(after, [&](const auto& kv) { return kv.first.starts_with(path); });
    std::erase_if(before, [&](const auto& kv) { return kv.first.starts_with(path); });
  }
  EXPECT_EQ(after, before);  // same paths, same bytes, same inodes and mtimes
  EXPECT_FALSE(path_exists(f.journal()));
}

TEST(PlaceTree, AFailedFirstInstallLeavesNoPrefix) {
  Fixture f;
  f.stage_tree();
  std::string deep = f.dir / "a/b/prefix";
  auto placed = place_tree({f.stage, deep, nullptr, false},
                           [](const Placement&) -> Result<void> { return fail(Error("no")); });
  ASSERT_FALSE(placed);
  EXPECT_FALSE(path_exists(f.dir / "a")) << "created ancestors must be removed too";
}

TEST(PlaceTree, RefusesStagedNamesThatAreNotUtf8BeforeMovingAnything) {
  Fixture f;
  f.stage_tree();
  write_file_atomic(f.stage + "/bin/\xff", "x");
  auto placed = f.place();
  ASSERT_FALSE(placed);
  EXPECT_EQ(placed.error().message(),
            "install into " + f.prefix + ": " + f.prefix + "/bin/\\xff: name is not valid UTF-8");
  EXPECT_FALSE(path_exists(f.prefix));
}

// kill -9 between placing and recording: the journal written before the first change tells
// purge (and the next install) what the dead process placed.
TEST(PlaceTree, AKilledPlacementLeavesAJournalThatPurgeAndReinstallFinish) {
  Fixture f;
  f.stage_tree();
  auto first = place_tree(f.with_journal(nullptr), [&](const Placement& p) {
    return save_manifest(f.manifest_path, f.manifest_of(p));
  });
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(path_exists(f.journal()));
  InstallManifest m = *load_manifest(f.manifest_path).value();
  stage_upgrade(f);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    (void)place_tree(f.with_journal(&m), [](const Placement&) -> Result<void> {
      raise(SIGKILL);  // dies with everything placed and nothing recorded
      return {};
    });
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_TRUE(path_exists(f.journal()));
  ASSERT_TRUE(path_exists(f.prefix + "/lib/new/d"));  // placed by the dead run, in no manifest

  auto merged = load_manifest_with_journal(f.manifest_path);
  ASSERT_TRUE(merged && *merged) << (merged ? "none" : merged.error().message());
  EXPECT_TRUE((*merged)->recovered);
  // The next install adopts what the dead run placed: no conflict, nothing left over.
  stage_upgrade(f);
  auto again = place_tree(f.with_journal(&**merged), [&](const Placement& p) {
    return save_manifest(f.manifest_path, f.manifest_of(p));
  });
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_FALSE(path_exists(f.journal()));
  EXPECT_EQ(again->unchanged.size(), 3u);  // bin/a (v2), share/c, lib/new/d: already in place
}

TEST(PlaceTree, PurgeAfterAKilledPlacementRemovesWhatItPlaced) {
  Fixture f;
  f.stage_tree();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    (void)place_tree(f.with_journal(nullptr), [](const Placement&) -> Result<void> {
      raise(SIGKILL);
      return {};
    });
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_FALSE(path_exists(f.manifest_path));  // no manifest at all, only the journal
  auto purged = purge_runtime("kata", f.manifest_path);
  ASSERT_TRUE(purged) << purged.error().message();
  EXPECT_EQ(purged->removed.size(), 3u);
  EXPECT_FALSE(path_exists(f.prefix));
  EXPECT_FALSE(path_exists(f.journal()));
}

}  // namespace
}  // namespace mkata::artifacts
