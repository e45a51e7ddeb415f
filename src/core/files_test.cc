#include "core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace mkata {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mkata-files-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    testing::fail_atomic_writes_after(std::nullopt);
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(FilesTest, WriteThenReadRoundTrips) {
  std::string p = dir_ + "/a.toml";
  ASSERT_TRUE(write_file_atomic(p, "hello\n"));
  EXPECT_EQ(read_file(p).value(), "hello\n");
}

TEST_F(FilesTest, KeepsModeOfReplacedFile) {
  std::string p = dir_ + "/a";
  ASSERT_TRUE(write_file_atomic(p, "one", 0600));
  ASSERT_TRUE(write_file_atomic(p, "two"));
  struct stat st {};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(FilesTest, FailedWriteLeavesOldFileAndNoTemp) {
  std::string p = dir_ + "/config.toml";
  ASSERT_TRUE(write_file_atomic(p, "old contents\n"));
  testing::fail_atomic_writes_after(4);
  auto r = write_file_atomic(p, "new contents that will not fit\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "write " + p + ": No space left on device");
  EXPECT_EQ(read_file(p).value(), "old contents\n");
  size_t entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(FilesTest, RefusesToReplaceADeviceNode) {
  // Renaming over /dev/null would replace the host's device node with a regular file.
  auto r = write_file_atomic("/dev/null", "report");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "write /dev/null: not a regular file (character device)");
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(FilesTest, OutputFileWritesDevicesInPlaceAndFilesAtomically) {
  ASSERT_TRUE(write_output_file("/dev/null", "discarded"));
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  std::string p = dir_ + "/report.json";
  ASSERT_TRUE(write_output_file(p, "{}\n"));
  EXPECT_EQ(read_file(p).value(), "{}\n");
}

TEST_F(FilesTest, ReadMissingFileNamesPath) {
  auto r = read_file(dir_ + "/missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "read " + dir_ + "/missing: No such file or directory");
}

TEST_F(FilesTest, BackupKeepsPreviousBytes) {
  std::string p = dir_ + "/c";
  ASSERT_TRUE(write_file_atomic(p, "v1"));
  auto b = backup_file(p);
  ASSERT_TRUE(b);
  ASSERT_TRUE(write_file_atomic(p, "v2"));
  EXPECT_EQ(read_file(*b).value(), "v1");
}

TEST_F(FilesTest, MakeDirectoriesCreatesParents) {
  ASSERT_TRUE(make_directories(dir_ + "/x/y/z"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/x/y/z"));
  EXPECT_TRUE(make_directories(dir_ + "/x/y/z"));
}

}  // namespace
}  // namespace mkata
