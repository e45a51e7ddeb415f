#include "core/file_edit.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/files.h"

namespace mkata {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FileEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mkata-file-edit-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    testing::fail_atomic_writes_after(std::nullopt);
    fs::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string p = dir_ + "/" + name;
    EXPECT_TRUE(write_file_atomic(p, text));
    return p;
  }
  std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string dir_;
};

TEST_F(FileEditTest, ReadsAndCommitsWithABackup) {
  std::string p = write("config.toml", "version = 2\n");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit) << edit.error().message();
  EXPECT_TRUE(edit->exists());
  EXPECT_EQ(edit->content(), "version = 2\n");
  EXPECT_EQ(edit->backup().value(), p + ".mkata-backup");
  ASSERT_TRUE(edit->commit("version = 2\n# new\n"));
  EXPECT_EQ(read_file(p).value(), "version = 2\n# new\n");
  EXPECT_EQ(read_file(p + ".mkata-backup").value(), "version = 2\n");
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"config.toml", "config.toml.mkata-backup"}));
}

TEST_F(FileEditTest, ASymlinkStaysALinkAndItsTargetIsEdited) {
  fs::create_directory(dir_ + "/repo");
  std::string real = write("repo/config.toml", "version = 2\n");
  fs::create_directory(dir_ + "/etc");
  std::string link = dir_ + "/etc/config.toml";
  fs::create_symlink("../repo/config.toml", link);
  auto edit = FileEdit::open(link);
  ASSERT_TRUE(edit) << edit.error().message();
  EXPECT_TRUE(edit->is_symlink());
  EXPECT_EQ(edit->target(), fs::canonical(real).string());
  EXPECT_EQ(edit->backup().value(), fs::canonical(real).string() + ".mkata-backup");
  ASSERT_TRUE(edit->commit("version = 2\n# mkata\n"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), "../repo/config.toml");
  EXPECT_EQ(read_file(real).value(), "version = 2\n# mkata\n");
  // The temp file and the backup were made beside the target, not beside the link.
  EXPECT_EQ(entries(dir_ + "/etc"), (std::vector<std::string>{"config.toml"}));
  EXPECT_EQ(entries(dir_ + "/repo"),
            (std::vector<std::string>{"config.toml", "config.toml.mkata-backup"}));
}

TEST_F(FileEditTest, ADanglingSymlinkIsRefused) {
  std::string link = dir_ + "/config.toml";
  fs::create_symlink("missing.toml", link);
  auto edit = FileEdit::open(link);
  ASSERT_FALSE(edit);
  EXPECT_EQ(edit.error().message(),
            link +
                " is a symlink to missing.toml, which does not exist; mkata edits the file a "
                "link points to: create it or pass the real file with --config");
}

TEST_F(FileEditTest, KeepsOwnerGroupModeAndExtendedAttributes) {
  std::string p = write("config.toml", "version = 2\n");
  ASSERT_EQ(chmod(p.c_str(), 0640), 0);
  bool root = geteuid() == 0;
  if (root) {
    ASSERT_EQ(chown(p.c_str(), 0, 4242), 0);
  }
  bool xattrs = setxattr(p.c_str(), "user.mkata-test", "kept", 4, 0) == 0;
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  ASSERT_TRUE(edit->backup());
  ASSERT_TRUE(edit->commit("version = 2\n# new\n"));
  for (const std::string& f : {p, p + ".mkata-backup"}) {
    struct stat st {};
    ASSERT_EQ(stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u) << f;
    if (root) {
      EXPECT_EQ(st.st_gid, 4242u) << f;
    }
    if (xattrs) {
      char value[16] = {};
      EXPECT_EQ(getxattr(f.c_str(), "user.mkata-test", value, sizeof value), 4) << f;
      EXPECT_STREQ(value, "kept");
    }
  }
  if (!root) GTEST_SKIP() << "not root: the group was not checked";
  if (!xattrs) GTEST_SKIP() << "user.* extended attributes unsupported on /tmp: not checked";
}

TEST_F(FileEditTest, DevicesAndFifosAreRefusedWithoutBlockingOrBackup) {
  auto zero = FileEdit::open("/dev/zero");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message(), "read /dev/zero: not a regular file (character device)");
  std::string fifo = dir_ + "/fifo.toml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  auto edit = FileEdit::open(fifo);  // would block forever in a blocking open
  ASSERT_FALSE(edit);
  EXPECT_EQ(edit.error().message(), "read " + fifo + ": not a regular file (FIFO)");
  std::string link = dir_ + "/stdin.toml";
  fs::create_symlink("/dev/null", link);
  auto through_link = FileEdit::open(link);
  ASSERT_FALSE(through_link);
  EXPECT_EQ(through_link.error().message(),
            "read " + link + " (a link to /dev/null): not a regular file (character device)");
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"fifo.toml", "stdin.toml"}));
}

TEST_F(FileEditTest, ReadsAreBounded) {
  std::string p = dir_ + "/huge.toml";
  int fd = ::open(p.c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, kMaxEditableFileBytes + 1), 0);  // sparse: costs no disk
  close(fd);
  auto edit = FileEdit::open(p);
  ASSERT_FALSE(edit);
  EXPECT_EQ(edit.error().message(), "read " + p +
                                        ": the file is larger than 64 MiB (67108865 "
                                        "bytes); mkata does not edit such a file");
}

TEST_F(FileEditTest, AnEditorsChangeInPlaceIsNotLost) {
  std::string p = write("config.toml", "version = 2\n");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  // Same inode, same size: only the content hash can tell.
  int fd = ::open(p.c_str(), O_WRONLY);
  ASSERT_EQ(pwrite(fd, "version = 3\n", 12, 0), 12);
  close(fd);
  auto r = edit->commit("version = 2\n# mkata\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), p + " changed since mkata read it (another program wrote it); "
                                     "nothing was written: run mkata again");
  EXPECT_EQ(read_file(p).value(), "version = 3\n");
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"config.toml"}));
  EXPECT_FALSE(edit->backup());
}

TEST_F(FileEditTest, AnEditorsRenamedSaveIsNotLost) {
  std::string p = write("config.toml", "version = 2\n");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  ASSERT_TRUE(write_file_atomic(p, "version = 2\n# user\n"));  // how vim and sed -i save
  ASSERT_FALSE(edit->commit("version = 2\n# mkata\n"));
  EXPECT_EQ(read_file(p).value(), "version = 2\n# user\n");
}

TEST_F(FileEditTest, AFileCreatedMeanwhileIsNotReplaced) {
  std::string p = dir_ + "/config.toml";
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  EXPECT_FALSE(edit->exists());
  ASSERT_TRUE(write_file_atomic(p, "version = 3\n"));
  ASSERT_FALSE(edit->commit("version = 2\n"));
  EXPECT_EQ(read_file(p).value(), "version = 3\n");
}

TEST_F(FileEditTest, TwoRunsTakeTurnsAndTheSecondSeesTheFirstsEdit) {
  std::string p = write("config.toml", "a\n");
  auto first = FileEdit::open(p);
  ASSERT_TRUE(first);
  auto busy = FileEdit::open(p, 50ms);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().message(),
            p + " is locked by another program (another mkata?); try again when it is done");
  std::optional<Result<FileEdit>> second;
  std::thread waiter([&] { second = FileEdit::open(p, 5s); });
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(first->commit("a\nb\n"));
  waiter.join();
  ASSERT_TRUE(*second) << (*second).error().message();
  EXPECT_EQ((*second)->content(), "a\nb\n");  // read after the first's rename, not before
  ASSERT_TRUE((*second)->commit("a\nb\nc\n"));
  EXPECT_EQ(read_file(p).value(), "a\nb\nc\n");
}

TEST_F(FileEditTest, AFailedWriteLeavesTheFileAndNoTemp) {
  std::string p = write("config.toml", "old contents\n");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  testing::fail_atomic_writes_after(4);
  auto r = edit->commit("new contents that will not fit\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "write " + p + ": No space left on device");
  EXPECT_EQ(read_file(p).value(), "old contents\n");
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"config.toml"}));
}

TEST_F(FileEditTest, TempFilesOfAKilledRunAreRemovedAtTheNextOpen) {
  std::string p = write("config.toml", "a\n");
  write("config.toml.mkata-tmp-Ab12Cd", "half");
  write("config.toml.mkata-backup.mkata-tmp-Zz9911", "half");
  write("config.toml.mkata-tmp-user-notes", "not ours: wrong length");
  write("other.toml.mkata-tmp-Ab12Cd", "another file's");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->removed_temp_files().size(), 2u);
  EXPECT_EQ(entries(dir_),
            (std::vector<std::string>{"config.toml", "config.toml.mkata-tmp-user-notes",
                                      "other.toml.mkata-tmp-Ab12Cd"}));
}

TEST_F(FileEditTest, RemoveDeletesAnUnchangedFileOnly) {
  std::string p = write("config.toml", "a\n");
  auto edit = FileEdit::open(p);
  ASSERT_TRUE(edit);
  ASSERT_TRUE(edit->remove());
  EXPECT_FALSE(path_exists(p));
  p = write("config.toml", "a\n");
  auto again = FileEdit::open(p);
  ASSERT_TRUE(write_file_atomic(p, "b\n"));
  ASSERT_FALSE(again->remove());
  EXPECT_EQ(read_file(p).value(), "b\n");
}

}  // namespace
}  // namespace mkata
