// The dry-run diff matches what `diff -u` prints for the same change.
#include "node/unified_diff.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

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

// Issue 9: the LCS table needed 4*N*M bytes (1.6 GB at 20k lines). In a child whose address space
// may grow by only 256 MiB, a diff of two 50,000-line texts must still succeed.
TEST(UnifiedDiff, LargeFilesDiffInLinearMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot bound it";
#endif
  std::string before, after;
  for (int i = 0; i < 50000; ++i) {
    std::string line = "key" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    before += line;
    after += i % 1000 == 7 ? "changed" + line : line;
    if (i == 25000) after += "# BEGIN mkata runtime x\n[x]\n# END mkata runtime x\n";
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    long pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                   (rlim_t{256} << 20);
    struct rlimit lim = {limit, limit};
    setrlimit(RLIMIT_AS, &lim);
    try {
      std::string diff = unified_diff(before, after, "a", "b");
      _exit(diff.find("+# BEGIN mkata runtime x") != std::string::npos ? 0 : 3);
    } catch (...) {
      _exit(4);  // std::bad_alloc: the diff needed more than 256 MiB
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the diff was killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3: wrong diff, 4: out of memory";
}

}  // namespace mkata::node
