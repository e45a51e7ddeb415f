#include "image/tar_writer.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/process.h"
#include "image/tar_reader.h"
#include "support/test_env.h"

namespace mkata::image {

namespace {

std::vector<std::string> paths_of(const std::vector<TarEntryInfo>& entries) {
  std::vector<std::string> paths;
  for (const auto& e : entries) paths.push_back(e.path);
  return paths;
}

}  // namespace

TEST(TarWriter, SortedWithParentsAndFixedMetadata) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("/usr/bin/tool", "#!tool\n", 0755));
  ASSERT_TRUE(tar.add_file("/etc/passwd", "root:x:0:0::/:/sbin/nologin\n", 0644));
  ASSERT_TRUE(tar.add_directory("/tmp", 01777));
  ASSERT_TRUE(tar.add_directory("/home/nonroot", 0700, {65532, 65532}));
  auto bytes = tar.finish();
  ASSERT_TRUE(bytes) << bytes.error().message();
  EXPECT_EQ(bytes->size() % 512, 0u);
  auto entries = read_tar(*bytes);
  ASSERT_TRUE(entries) << entries.error().message();
  EXPECT_EQ(paths_of(*entries),
            (std::vector<std::string>{"etc/", "etc/passwd", "home/", "home/nonroot/", "tmp/",
                                      "usr/", "usr/bin/", "usr/bin/tool"}));
  for (const auto& e : *entries) {
    EXPECT_EQ(e.mtime, 0) << e.path;
    EXPECT_EQ(e.uname, "") << e.path;
    EXPECT_EQ(e.gname, "") << e.path;
  }
  EXPECT_EQ(find_entry(*entries, "tmp/")->mode, 01777u);
  EXPECT_TRUE(find_entry(*entries, "tmp/")->directory);
  EXPECT_EQ(find_entry(*entries, "usr/")->mode, 0755u);  // implicit parent
  EXPECT_EQ(find_entry(*entries, "usr/bin/tool")->mode, 0755u);
  EXPECT_EQ(find_entry(*entries, "usr/bin/tool")->content, "#!tool\n");
  EXPECT_EQ(find_entry(*entries, "etc/passwd")->mode, 0644u);
  const auto* home = find_entry(*entries, "home/nonroot/");
  EXPECT_EQ(home->uid, 65532);
  EXPECT_EQ(home->gid, 65532);
  EXPECT_EQ(home->mode, 0700u);
}

TEST(TarWriter, SameEntriesInAnyOrderGiveIdenticalBytes) {
  TarWriter a, b;
  ASSERT_TRUE(a.add_file("x/one", "1", 0644));
  ASSERT_TRUE(a.add_file("x/two", "22", 0644));
  ASSERT_TRUE(b.add_file("x/two", "22", 0644));
  ASSERT_TRUE(b.add_file("x/one", "1", 0644));
  EXPECT_EQ(*a.finish(), *b.finish());
}

TEST(TarWriter, GnuTarListsIt) {
  MKATA_REQUIRE_PROGRAM("tar");
  test::TempDir dir("mkata-images-tar");
  TarWriter tar;
  // 122 bytes with its trailing '/': stored through ustar's prefix field.
  std::string long_dir = std::string(60, 'd') + "/" + std::string(60, 'e');
  ASSERT_TRUE(tar.add_file(long_dir + "/file", std::string(1000, 'z'), 0600, {7, 8}));
  ASSERT_TRUE(tar.add_directory("tmp", 01777));
  auto bytes = tar.finish();
  ASSERT_TRUE(bytes) << bytes.error().message();
  ASSERT_TRUE(write_file_atomic(dir / "t.tar", *bytes));
  auto listing = run_checked({"tar", "--numeric-owner", "-tvf", dir / "t.tar"});
  ASSERT_TRUE(listing) << listing.error().message();
  std::string squeezed;  // tar aligns columns with runs of spaces: compare with single spaces
  for (char c : *listing) {
    if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed.push_back(c);
  }
  EXPECT_NE(squeezed.find("-rw------- 7/8 1000 1970-01-01 00:00 " + long_dir + "/file\n"),
            std::string::npos)
      << *listing;
  EXPECT_NE(squeezed.find("drwxrwxrwt 0/0 0 1970-01-01 00:00 tmp/\n"), std::string::npos)
      << *listing;
}

TEST(TarWriter, RefusesBadPaths) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("a/b", "", 0644));
  auto dup = tar.add_file("/a/b", "", 0644);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message(), "tar: duplicate entry: '/a/b'");
  auto dotdot = tar.add_file("a/../etc/shadow", "", 0644);
  ASSERT_FALSE(dotdot);
  EXPECT_EQ(dotdot.error().message(),
            "tar: path component must not be empty, '.' or '..': 'a/../etc/shadow'");
  auto empty = tar.add_directory("/", 0755);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(), "tar: empty path: '/'");
  auto under_file = tar.add_file("a/b/c", "", 0644);
  ASSERT_FALSE(under_file);
  EXPECT_EQ(under_file.error().message(), "tar: parent is a file: 'a/b' of 'a/b/c'");
  auto over_dir = tar.add_file("a", "", 0644);
  ASSERT_FALSE(over_dir);
  EXPECT_EQ(over_dir.error().message(), "tar: a directory already has this path: 'a'");
}

TEST(TarWriter, RefusesPathsTooLongForUstar) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file(std::string(101, 'n'), "", 0644));
  auto bytes = tar.finish();
  ASSERT_FALSE(bytes);
  EXPECT_EQ(
      bytes.error().message(),
      "tar: path too long for ustar (name 100, prefix 155 bytes): '" + std::string(101, 'n') + "'");
}

}  // namespace mkata::image
