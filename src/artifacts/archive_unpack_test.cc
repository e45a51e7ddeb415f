#include "artifacts/archive_unpack.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "artifacts/testing/release_fixtures.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

using testing::Compression;
using testing::TarEntry;
using Type = TarEntry::Type;

// Writes the entries as an archive in dir and unpacks it into dir/out.
Result<UnpackSummary> roundtrip(const test::TempDir& dir, const std::vector<TarEntry>& entries,
                                const std::string& root = "opt/kata",
                                Compression compression = Compression::kXz) {
  std::string archive = dir / "a.tar";
  if (auto w = testing::write_tar(archive, entries, compression); !w) return fail(w.error());
  mkdir((dir / "out").c_str(), 0755);
  return unpack_archive(archive, dir / "out", {root, ""});
}

std::string refusal(const test::TempDir& dir, const std::vector<TarEntry>& entries) {
  auto r = roundtrip(dir, entries);
  return r ? "accepted" : r.error().message();
}

TEST(NormalizeEntryPath, CleansHarmlessForms) {
  EXPECT_EQ(*normalize_entry_path("./opt//kata/./bin/"), "opt/kata/bin");
  EXPECT_EQ(*normalize_entry_path("./"), "");
  EXPECT_EQ(normalize_entry_path("/etc/x").error().message(),
            "refuse archive entry '/etc/x': absolute path");
  EXPECT_EQ(normalize_entry_path("../../etc/x").error().message(),
            "refuse archive entry '../../etc/x': path contains '..'");
  EXPECT_FALSE(normalize_entry_path("opt/kata/../../x"));
}

TEST(CheckLinkTarget, ResolvesFromTheLinksDirectory) {
  EXPECT_TRUE(
      check_link_target("opt/kata/share/x/vmlinux.container", "vmlinux-6.1", false, "opt/kata"));
  EXPECT_TRUE(check_link_target("opt/kata/bin/a", "../share/b", false, "opt/kata"));
  EXPECT_EQ(check_link_target("opt/kata/bin/a", "../../b", false, "opt/kata").error().message(),
            "refuse archive entry 'opt/kata/bin/a': symlink target '../../b' escapes the install "
            "prefix");
  EXPECT_FALSE(check_link_target("opt/kata/bin/a", "/etc/passwd", false, "opt/kata"));
  EXPECT_FALSE(check_link_target("a", "../b", false, ""));
  EXPECT_FALSE(check_link_target("opt/kata/bin/b", "opt/kata/bin/../bin/a", true, "opt/kata"));
  EXPECT_TRUE(check_link_target("opt/kata/bin/b", "opt/kata/bin/a", true, "opt/kata"));
  EXPECT_EQ(check_link_target("opt/kata/bin/b", "etc/shadow", true, "opt/kata").error().message(),
            "refuse archive entry 'opt/kata/bin/b': hardlink target 'etc/shadow' escapes the "
            "install prefix");
}

TEST(UnpackArchive, UnpacksTheKataLayoutInEveryCompression) {
  for (auto c : {Compression::kXz, Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    test::TempDir dir("mkata-unpack");
    auto summary = roundtrip(dir, testing::kata_static_entries(), "opt/kata", c);
    ASSERT_TRUE(summary) << summary.error().message();
    EXPECT_EQ(summary->files, 9u);
    EXPECT_EQ(summary->symlinks, 3u);
    struct stat st {};
    ASSERT_EQ(stat((dir / "out/opt/kata/bin/containerd-shim-kata-v2").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u);
    EXPECT_EQ(st.st_uid, geteuid());
    ASSERT_EQ(lstat((dir / "out/opt/kata/share/kata-containers/vmlinux.container").c_str(), &st),
              0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
  }
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(UnpackArchive, DropsSetuidAndKeepsPermissions) {
  test::TempDir dir("mkata-unpack");
  auto summary = roundtrip(dir, {testing::file_entry("opt/kata/bin/x", "x", 04755),
                                 testing::file_entry("opt/kata/bin/y", "y", 0600)});
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->special_bits_dropped, 1u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/x"), 0755u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/y"), 0600u);
}

// Files belong to root once installed: a group- or world-writable binary would let any local
// user replace what containerd runs as root.
TEST(UnpackArchive, DropsGroupAndWorldWriteBits) {
  test::TempDir dir("mkata-unpack");
  TarEntry open_dir = testing::dir_entry("opt/kata/share");
  open_dir.mode = 0777;
  auto summary = roundtrip(dir, {testing::file_entry("opt/kata/bin/x", "x", 0777),
                                 testing::file_entry("opt/kata/bin/y", "y", 0666),
                                 testing::file_entry("opt/kata/bin/z", "z", 06775), open_dir,
                                 testing::file_entry("opt/kata/bin/k", "k", 0750)});
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->write_bits_dropped, 4u);
  EXPECT_EQ(summary->special_bits_dropped, 1u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/x"), 0755u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/y"), 0644u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/z"), 0755u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/share"), 0755u);
  EXPECT_EQ(mode_of(dir / "out/opt/kata/bin/k"), 0750u);
}

TEST(UnpackArchive, RefusesNamesThatAreNotUtf8) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::file_entry("opt/kata/bin/ok", "x"),
                          testing::file_entry("opt/kata/bin/\xff\xfe", "x")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/bin/\\xff\\xfe': name is not valid UTF-8");
  EXPECT_EQ(refusal(dir, {testing::symlink_entry("opt/kata/bin/l", "a\xc0\xaf")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/bin/l': symlink target 'a\\xc0\\xaf' is not "
                "valid UTF-8");
  // Control characters in a refused name are shown escaped, never sent to the terminal.
  EXPECT_EQ(refusal(dir, {testing::file_entry("/etc/\x1b[2Jx", "x")}),
            "unpack " + (dir / "a.tar") + ": refuse archive entry '/etc/\\x1b[2Jx': absolute path");
  // Valid UTF-8 beyond ASCII is fine.
  EXPECT_EQ(refusal(dir, {testing::file_entry("opt/kata/share/caf\xc3\xa9", "x")}), "accepted");
}

TEST(UnpackArchive, RefusesAnArchiveBombByItsCompressionRatio) {
  test::TempDir dir("mkata-unpack");
  // zstd, not xz, only to keep the test fast: the caps do not depend on the compression
  // (tests/integration/artifacts_test.cc refuses the 1 GiB xz bomb through the CLI).
  std::string archive = dir / "bomb.tar.zst";
  ASSERT_TRUE(testing::write_tar(archive,
                                 {testing::file_entry("opt/kata/bin/a", "a"),
                                  testing::zeros_entry("opt/kata/share/zeros", uint64_t{1} << 30)},
                                 Compression::kZstd));
  struct stat st {};
  ASSERT_EQ(stat(archive.c_str(), &st), 0);
  EXPECT_LT(st.st_size, 400 * 1024) << "1 GiB of zeros should compress to a few hundred KB";
  mkdir((dir / "out").c_str(), 0755);
  auto r = unpack_archive(archive, dir / "out", {"opt/kata", "bomb.tar.zst"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "unpack bomb.tar.zst: refuse archive entry 'opt/kata/share/zeros': unpacked size would "
            "exceed 50 times the archive's size (" +
                std::to_string((uint64_t{1} << 30) + 1) + " bytes from an archive of " +
                std::to_string(st.st_size) + " bytes), the cap against archive bombs");
  EXPECT_FALSE(path_exists(dir / "out/opt/kata/share/zeros"));  // refused before writing it
  // The cap can be raised (KataInstallOptions::max_unpack_ratio): the same archive unpacks.
  UnpackOptions generous{"opt/kata", "bomb.tar.zst"};
  generous.max_ratio = 1'000'000;
  generous.max_total_bytes = uint64_t{1} << 30;  // ... but not past the total cap
  auto capped = unpack_archive(archive, dir / "out", generous);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().message(),
            "unpack bomb.tar.zst: refuse archive entry 'opt/kata/share/zeros': unpacked size would "
            "exceed the cap of 1073741824 bytes, the cap against archive bombs");
}

TEST(UnpackArchive, SmallArchivesAreNotHeldToTheRatio) {
  // 60 MiB of zeros: far beyond 50:1, but below the 64 MiB floor where the ratio starts to count.
  test::TempDir dir("mkata-unpack");
  auto summary = roundtrip(dir, {testing::zeros_entry("opt/kata/share/img", 60 << 20)}, "opt/kata",
                           Compression::kZstd);
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->bytes, uint64_t{60} << 20);
}

TEST(UnpackArchive, CapsTheNumberOfEntries) {
  test::TempDir dir("mkata-unpack");
  std::vector<TarEntry> entries;
  for (int i = 0; i < 5; ++i)
    entries.push_back(testing::file_entry("opt/kata/f" + std::to_string(i), ""));
  ASSERT_TRUE(testing::write_tar(dir / "many.tar", entries, Compression::kNone));
  mkdir((dir / "out").c_str(), 0755);
  UnpackOptions few{"opt/kata", "many.tar"};
  few.max_entries = 4;
  EXPECT_EQ(unpack_archive(dir / "many.tar", dir / "out", few).error().message(),
            "unpack many.tar: refuse archive entry 'opt/kata/f4': more than 4 entries, the cap "
            "against archive bombs");
}

TEST(UnpackArchive, RefusesTraversal) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(
      refusal(dir, {testing::file_entry("../../etc/x", "owned")}),
      "unpack " + (dir / "a.tar") + ": refuse archive entry '../../etc/x': path contains '..'");
  EXPECT_FALSE(path_exists("/etc/x") && read_file("/etc/x").value_or("") == "owned");
}

TEST(UnpackArchive, RefusesAbsolutePathsAndEntriesOutsideTheRoot) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::file_entry("/etc/x", "x")}),
            "unpack " + (dir / "a.tar") + ": refuse archive entry '/etc/x': absolute path");
  EXPECT_EQ(refusal(dir, {testing::file_entry("usr/bin/x", "x")}),
            "unpack " + (dir / "a.tar") + ": refuse archive entry 'usr/bin/x': outside opt/kata/");
}

TEST(UnpackArchive, RefusesEscapingSymlinkAndWritingThroughIt) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::symlink_entry("opt/kata/bin/evil", "../../../etc"),
                          testing::file_entry("opt/kata/bin/evil/passwd", "x")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/bin/evil': symlink target '../../../etc' "
                "escapes the install prefix");
  EXPECT_FALSE(path_exists(dir / "out/opt/kata/bin/evil"));
}

TEST(UnpackArchive, RefusesSymlinkThatEscapesThroughAnotherSymlink) {
  // Lexically "bin/b/b/b/../../../../x" stays inside opt/kata; on disk b -> . makes it climb
  // four levels from bin/, out of the prefix.
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::symlink_entry("opt/kata/bin/b", "."),
                          testing::symlink_entry("opt/kata/bin/a", "b/b/b/../../../../x")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/bin/a': symlink target 'b/b/b/../../../../x' "
                "escapes the install prefix");
}

TEST(UnpackArchive, RefusesEscapingHardlink) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::hardlink_entry("opt/kata/bin/shadow", "/etc/shadow")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/bin/shadow': hardlink target '/etc/shadow' "
                "escapes the install prefix");
}

// Before: a file named opt/kata was unpacked (and failed later, as a layout error), and
// "opt/kata -> kata" passed the lexical check and failed only on disk, with ELOOP. The on-disk
// check takes the part of each link's path below the root, which the root itself does not have.
TEST(UnpackArchive, RefusesALinkOrFileAsTheInstallRoot) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::symlink_entry("opt/kata", "kata")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata': the install root must be a directory");
  EXPECT_EQ(refusal(dir, {testing::file_entry("./opt/kata", "x")}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry './opt/kata': the install root must be a directory");
}

TEST(UnpackArchive, KeepsHardlinksInsideTheRoot) {
  test::TempDir dir("mkata-unpack");
  auto summary = roundtrip(dir, {testing::file_entry("opt/kata/bin/a", "same", 0755),
                                 testing::hardlink_entry("opt/kata/bin/b", "opt/kata/bin/a")});
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->hardlinks, 1u);
  EXPECT_EQ(*read_file(dir / "out/opt/kata/bin/b"), "same");
}

TEST(UnpackArchive, RefusesDeviceNodesAndFifos) {
  test::TempDir dir("mkata-unpack");
  EXPECT_EQ(refusal(dir, {testing::special_entry("opt/kata/dev/null", Type::kCharDevice)}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/dev/null': character device (device nodes, "
                "FIFOs and sockets are not allowed)");
  EXPECT_EQ(refusal(dir, {testing::special_entry("opt/kata/pipe", Type::kFifo)}),
            "unpack " + (dir / "a.tar") +
                ": refuse archive entry 'opt/kata/pipe': FIFO (device nodes, FIFOs and sockets "
                "are not allowed)");
}

TEST(UnpackArchive, ReportsCorruptArchives) {
  test::TempDir dir("mkata-unpack");
  ASSERT_TRUE(write_file_atomic(dir / "bad.tar.xz", "this is not an archive"));
  mkdir((dir / "out").c_str(), 0755);
  auto r = unpack_archive(dir / "bad.tar.xz", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message().rfind("unpack " + (dir / "bad.tar.xz") + ": ", 0), 0u)
      << r.error().message();
}

}  // namespace
}  // namespace mkata::artifacts
