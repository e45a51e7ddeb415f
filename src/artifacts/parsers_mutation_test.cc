// Outside input, mutated: checksum files, manifests, archive entry paths and whole archives are
// fed thousands of deterministic random mutations. The properties: no crash or sanitizer report
// (run this under -DMKATA_SANITIZE=ON), every failure is an Error value, and — for archives —
// nothing is ever written outside the destination, whatever the bytes. (libFuzzer needs clang,
// and clang-14 cannot read libstdc++ 12's <expected>, which these parsers return; so this
// g++-built mutation test stands in for a libFuzzer target.)
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "artifacts/archive_unpack.h"
#include "artifacts/checksum.h"
#include "artifacts/install_manifest.h"
#include "artifacts/testing/release_fixtures.h"
#include "core/files.h"
#include "core/utf8.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

// Flips, inserts, deletes or duplicates a few bytes.
std::string mutate(std::string s, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 3), byte(0, 255), count(1, 8);
  for (int n = count(rng); n > 0; --n) {
    size_t at = s.empty() ? 0 : std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
    switch (op(rng)) {
      case 0:
        if (!s.empty()) s[at] = static_cast<char>(byte(rng));
        break;
      case 1:
        s.insert(at, 1, static_cast<char>(byte(rng)));
        break;
      case 2:
        if (!s.empty()) s.erase(at, 1);
        break;
      case 3:
        s.insert(at, s.substr(at, 16));
        break;
    }
  }
  return s;
}

TEST(ParsersMutation, ChecksumFilesAndDigests) {
  std::mt19937 rng(1);
  std::string seed = std::string(64, 'a') + "  kata-static-3.2.0-amd64.tar.xz\n" +
                     std::string(128, 'b') + " *./runsc\n# comment\n";
  // The duplicate-name rules: the same name again, and the same base name in a directory.
  std::string duplicates = seed + std::string(64, 'a') + "  kata-static-3.2.0-amd64.tar.xz\n" +
                           std::string(128, 'c') + "  arm64/runsc\n";
  for (int i = 0; i < 20000; ++i) {
    std::string input = mutate(i % 2 ? duplicates : seed, rng);
    if (auto entries = parse_checksum_file(input, "SUMS")) {
      for (const auto& e : *entries) {
        EXPECT_TRUE(e.digest.hex.size() == 64 || e.digest.hex.size() == 128);
      }
      (void)find_checksum(*entries, "runsc", "SUMS");
    } else {
      EXPECT_FALSE(entries.error().message().empty());
    }
    (void)parse_digest(input.substr(0, 140));
  }
}

TEST(ParsersMutation, Manifests) {
  std::mt19937 rng(2);
  InstallManifest m{"kata",
                    "3.2.0",
                    "src",
                    "sha256:00",
                    "/opt/kata",
                    "t",
                    {{"/opt/kata/bin/a", false, std::string(64, 'c'), 0755, ""},
                     {"/opt/kata/l", true, "", 0, "bin/a"}},
                    {"/opt/kata"}};
  std::string seed = manifest_to_json(m);
  for (int i = 0; i < 20000; ++i) {
    auto parsed = parse_manifest(mutate(seed, rng), "m.json");
    if (parsed) {
      for (const auto& f : parsed->files) EXPECT_EQ(f.path[0], '/');
    }
  }
}

// Manifests and journals written from mutated (often not UTF-8) paths: writing never throws,
// and a manifest merged with a journal is well-formed whatever either holds.
TEST(ParsersMutation, ManifestWritingAndJournalMerging) {
  test::TempDir dir("mkata-mutate-journal");
  std::mt19937 rng(5);
  std::string manifest_path = dir / "kata.json";
  for (int i = 0; i < 150; ++i) {  // two fsync'd writes each: kept short
    InstallManifest m{"kata", mutate("3.2.0", rng), "src", "", dir / "p", "t", {}, {}};
    InstallManifest journal = m;
    for (int k = 0; k < 3; ++k) {
      m.files.push_back({"/p/" + mutate("bin/a", rng), false, std::string(64, 'c'), 0755, ""});
      journal.files.push_back({"/p/" + mutate("bin/a", rng), true, "", 0, mutate("../x", rng)});
    }
    journal.directories = {"/p/" + mutate("bin", rng)};
    std::string text = manifest_to_json(m);  // must not throw, whatever the bytes
    ASSERT_TRUE(write_file_atomic(manifest_path, text));
    ASSERT_TRUE(write_file_atomic(journal_path_for(manifest_path), manifest_to_json(journal)));
    auto merged = load_manifest_with_journal(manifest_path);
    ASSERT_TRUE(merged) << merged.error().message();
    ASSERT_TRUE(*merged);
    EXPECT_TRUE((*merged)->recovered);
    EXPECT_TRUE(std::is_sorted((*merged)->files.begin(), (*merged)->files.end(),
                               [](const auto& a, const auto& b) { return a.path < b.path; }));
  }
}

TEST(ParsersMutation, EntryPathsNeverEscape) {
  std::mt19937 rng(3);
  std::vector<std::string> seeds = {"./opt/kata/bin/x", "../x", "opt/kata/../../etc", "a//b/./c"};
  for (int i = 0; i < 50000; ++i) {
    std::string name = mutate(seeds[static_cast<size_t>(i) % seeds.size()], rng);
    auto path = normalize_entry_path(name);
    if (!path) continue;
    EXPECT_NE((*path)[0], '/') << name;
    for (const auto& part : std::filesystem::path(*path)) EXPECT_NE(part.string(), "..") << name;
    std::string target = mutate("../share/x", rng);
    if (check_link_target(*path + "/l", target, false, "opt/kata")) {
      EXPECT_NE(target[0], '/') << target;
    }
  }
}

TEST(ParsersMutation, ArchivesNeverWriteOutsideTheDestination) {
  test::TempDir dir("mkata-mutate");
  std::string seed_path = dir / "seed.tar";
  auto entries = testing::kata_static_entries();
  entries.resize(15);  // the binaries and configuration: a small, plain tar
  ASSERT_TRUE(testing::write_tar(seed_path, entries, testing::Compression::kNone));
  std::string seed = *read_file(seed_path);
  std::mt19937 rng(4);
  std::string sentinel = dir / "outside";
  make_directories(sentinel);
  for (int i = 0; i < 300; ++i) {
    std::string archive = dir / "m.tar";
    ASSERT_TRUE(write_file_atomic(archive, mutate(seed, rng)));
    std::string dest = sentinel + "/dest";
    make_directories(dest);
    (void)unpack_archive(archive, dest, {"opt/kata", ""});
    for (const auto& e : std::filesystem::directory_iterator(sentinel)) {
      EXPECT_EQ(e.path().filename(), "dest") << "mutation " << i << " wrote " << e.path();
    }
    // Whatever it wrote has a name the manifest can record, and no group/world write bit.
    for (const auto& e : std::filesystem::recursive_directory_iterator(dest)) {
      EXPECT_TRUE(is_valid_utf8(e.path().string())) << "mutation " << i;
      struct stat st {};
      lstat(e.path().c_str(), &st);
      if (!S_ISLNK(st.st_mode)) {
        EXPECT_EQ(st.st_mode & 07022, 0u) << e.path();
      }
    }
    std::filesystem::remove_all(dest);
  }
}

}  // namespace
}  // namespace mkata::artifacts
