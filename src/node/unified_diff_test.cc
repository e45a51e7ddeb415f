// The dry-run diff matches what `diff -u` prints for the same change.
#include "node/unified_diff.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "support/test_env.h"

namespace mkata::node {

TEST(UnifiedDiff, EqualTextsGiveNothing) { EXPECT_EQ(unified_diff("a\n", "a\n", "x", "y"), ""); }

TEST(UnifiedDiff, AppendedBlock) {
  EXPECT_EQ(unified_diff("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n# BEGIN\nx\n# END\n", "a", "b"),
            "--- a\n+++ b\n@@ -3,3 +3,6 @@\n 3\n 4\n 5\n+# BEGIN\n+x\n+# END\n");
}

TEST(UnifiedDiff, MatchesDiffUOnScatteredChanges) {
  MKATA_REQUIRE_PROGRAM("diff");
  std::string before, after;
  for (int i = 0; i < 40; ++i) {
    before += "line " + std::to_string(i) + "\n";
    if (i == 3 || i == 20) after += "changed " + std::to_string(i) + "\n";
    else if (i != 25) after += "line " + std::to_string(i) + "\n";
    if (i == 30) after += "inserted\n";
  }
  after += "tail without newline";
  test::TempDir dir("mkata-diff");
  ASSERT_TRUE(write_file_atomic(dir / "a", before));
  ASSERT_TRUE(write_file_atomic(dir / "b", after));
  auto real = run({"diff", "-u", "--label", "a", "--label", "b", dir / "a", dir / "b"});
  ASSERT_TRUE(real);
  EXPECT_EQ(unified_diff(before, after, "a", "b"), real->out);
}

}  // namespace mkata::node
