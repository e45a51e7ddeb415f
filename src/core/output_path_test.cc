// check_output_path on real files: it refuses what write_output_file would fail on, and creates
// nothing.
#include "core/output_path.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata {
namespace {

size_t entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(OutputPath, AcceptsWhatCanBeWrittenAndCreatesNothing) {
  test::TempDir dir("mkata-output");
  EXPECT_TRUE(check_output_path("--json", "-"));
  EXPECT_TRUE(check_output_path("--json", dir / "new.json"));
  ASSERT_TRUE(write_file_atomic(dir / "old.json", "{}"));
  EXPECT_TRUE(check_output_path("--json", dir / "old.json"));
  EXPECT_TRUE(check_output_path("--json", "/dev/null"));
  EXPECT_EQ(entries(dir.path()), 1u);
  EXPECT_EQ(*read_file(dir / "old.json"), "{}");
}

TEST(OutputPath, RefusesAMissingDirectoryADirectoryAndAnUnwritableOne) {
  test::TempDir dir("mkata-output");
  auto r = check_output_path("--runtime-classes", dir / "no/rc.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--runtime-classes " + dir / "no/rc.yaml" + ": the directory " +
                                     dir / "no" + " does not exist");
  EXPECT_FALSE(std::filesystem::exists(dir / "no"));
  r = check_output_path("--report", dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--report " + dir.path() + ": is a directory");
  r = check_output_path("--json", "/proc/self/rc.json");  // procfs takes no new files, even as root
  ASSERT_FALSE(r);
  EXPECT_TRUE(
      r.error().message().starts_with("--json /proc/self/rc.json: cannot write in "
                                      "/proc/self: "))
      << r.error().message();
}

}  // namespace
}  // namespace mkata
