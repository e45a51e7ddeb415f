#include "artifacts/checksum.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

constexpr const char* kAbc256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kAbc512 =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(Checksum, DigestsMatchKnownVectors) {
  EXPECT_EQ(digest_hex("abc", DigestAlgorithm::kSha256), kAbc256);
  EXPECT_EQ(digest_hex("abc", DigestAlgorithm::kSha512), kAbc512);
}

TEST(Checksum, FileDigestStreamsTheFile) {
  test::TempDir dir("mkata-checksum");
  ASSERT_TRUE(write_file_atomic(dir / "f", "abc"));
  EXPECT_EQ(*file_digest_hex(dir / "f", DigestAlgorithm::kSha256), kAbc256);
  EXPECT_EQ(file_digest_hex(dir / "none", DigestAlgorithm::kSha256).error().message(),
            "read " + (dir / "none") + ": No such file or directory");
}

TEST(Checksum, ParseDigestPicksAlgorithmByLength) {
  EXPECT_EQ(parse_digest(kAbc256)->algorithm, DigestAlgorithm::kSha256);
  EXPECT_EQ(parse_digest(std::string("sha512:") + kAbc512)->algorithm, DigestAlgorithm::kSha512);
  std::string upper = kAbc256;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_EQ(parse_digest(upper)->hex, kAbc256);
  auto bad = parse_digest("xyz");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "digest 'xyz': expected 64 (sha256) or 128 (sha512) hex digits");
  EXPECT_EQ(bad.error().kind(), ErrorKind::kUsage);
  EXPECT_FALSE(parse_digest(std::string("sha512:") + kAbc256));
}

TEST(Checksum, ParsesSha256sumOutputInTheReleaseFormats) {
  std::string text = std::string("# kata release sums\n") + kAbc256 +
                     "  kata-static-3.2.0-amd64.tar.xz\n" + kAbc512 + " *./runsc\n\n";
  auto entries = parse_checksum_file(text, "SHA256SUMS");
  ASSERT_TRUE(entries) << entries.error().message();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(find_checksum(*entries, "kata-static-3.2.0-amd64.tar.xz", "SHA256SUMS")->hex, kAbc256);
  EXPECT_EQ(find_checksum(*entries, "/tmp/x/runsc", "SHA256SUMS")->algorithm,
            DigestAlgorithm::kSha512);
  EXPECT_EQ(find_checksum(*entries, "other", "SHA256SUMS").error().message(),
            "SHA256SUMS lists no checksum for other");
}

TEST(Checksum, LoneDigestAppliesToAnyFile) {
  auto entries = parse_checksum_file(std::string(kAbc256) + "\n", "a.sha256");
  ASSERT_TRUE(entries);
  EXPECT_EQ(find_checksum(*entries, "anything.tar.xz", "a.sha256")->hex, kAbc256);
}

TEST(Checksum, BadLinesNameTheSourceAndLine) {
  auto bad = parse_checksum_file(std::string(kAbc256) + "  a\nnot a checksum line\n", "SUMS");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "SUMS line 2: expected '<hex>  <name>' (sha256sum or sha512sum output)");
  EXPECT_EQ(parse_checksum_file("\n# nothing\n", "SUMS").error().message(),
            "SUMS: no checksums in file");
}

TEST(Checksum, TwoDifferentDigestsForOneNameAreAnError) {
  std::string other256(64, 'e');
  // The same name twice with different digests: which one is the release? Refused at parse.
  auto twice = parse_checksum_file(
      std::string(kAbc256) + "  kata.tar.xz\n" + other256 + "  kata.tar.xz\n", "SUMS");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message(),
            "SUMS line 2: kata.tar.xz is listed twice with different sha256 digests (lines 1 "
            "and 2)");
  // The same digest twice is harmless; so are a sha256 and a sha512 for one file.
  EXPECT_TRUE(parse_checksum_file(std::string(kAbc256) + "  a\n" + kAbc256 + " *a\n", "SUMS"));
  auto both = parse_checksum_file(std::string(kAbc256) + "  a\n" + kAbc512 + "  a\n", "SUMS");
  ASSERT_TRUE(both);
  EXPECT_EQ(find_checksum(*both, "a", "SUMS")->hex, kAbc256);
  // Names are matched on their base name: two directories' files of one name are ambiguous.
  auto dirs = parse_checksum_file(
      std::string(kAbc256) + "  amd64/kata.tar.xz\n" + other256 + "  ./arm64/kata.tar.xz\n",
      "SUMS");
  ASSERT_TRUE(dirs);
  EXPECT_EQ(find_checksum(*dirs, "kata.tar.xz", "SUMS").error().message(),
            "SUMS lists 2 different sha256 digests for kata.tar.xz (amd64/kata.tar.xz, "
            "./arm64/kata.tar.xz): cannot tell which one to trust");
}

TEST(Checksum, MismatchNamesTheFileAndBothDigests) {
  test::TempDir dir("mkata-checksum");
  ASSERT_TRUE(write_file_atomic(dir / "f", "abd"));
  auto expected = parse_digest(kAbc256);
  auto verified = verify_file(dir / "f", *expected, "kata.tar.xz");
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().message(),
            std::string("checksum mismatch for kata.tar.xz: expected sha256 ") + kAbc256 +
                ", got " + digest_hex("abd", DigestAlgorithm::kSha256));
  ASSERT_TRUE(write_file_atomic(dir / "f", "abc"));
  EXPECT_TRUE(verify_file(dir / "f", *expected, "kata.tar.xz"));
}

}  // namespace
}  // namespace mkata::artifacts
