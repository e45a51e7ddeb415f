// KATA_PATH in MicroK8s's containerd-env: on the snap's stock file (a fixture copied from the
// snap), on files without the commented line, idempotence, and the file write with its backup.
#include "node/containerd_env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/build_paths.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

const std::string kStockEnv = source_path("/../shared/fixtures/microk8s/containerd-env");

TEST(ContainerdEnv, ReplacesTheSnapsCommentedLine) {
  auto stock = read_file(kStockEnv);
  if (!stock) GTEST_SKIP() << kStockEnv << " is not available";
  std::string text = with_kata_path(*stock, "/opt/kata/bin");
  EXPECT_NE(text.find("#\nKATA_PATH=/opt/kata/bin\n#\nPATH=$PATH:$KATA_PATH\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("# KATA_PATH="), std::string::npos);
  EXPECT_EQ(text.size(), stock->size() - 2 + std::string("/opt/kata/bin").size());
  EXPECT_EQ(with_kata_path(text, "/opt/kata/bin"), text);
  EXPECT_EQ(with_kata_path(text, "/srv/kata/bin"), with_kata_path(*stock, "/srv/kata/bin"));
}

TEST(ContainerdEnv, InsertsBeforeThePathLineOrAppendsBoth) {
  EXPECT_EQ(with_kata_path("ulimit -n 1\nPATH=$PATH:$KATA_PATH\n", "/k/bin"),
            "ulimit -n 1\nKATA_PATH=/k/bin\nPATH=$PATH:$KATA_PATH\n");
  EXPECT_EQ(with_kata_path("ulimit -n 1\n", "/k/bin"),
            "ulimit -n 1\nKATA_PATH=/k/bin\nPATH=$PATH:$KATA_PATH\n");
  EXPECT_EQ(with_kata_path("", "/k/bin"), "KATA_PATH=/k/bin\nPATH=$PATH:$KATA_PATH\n");
  EXPECT_EQ(with_kata_path("KATA_PATH=/old\nPATH=$PATH:$KATA_PATH", "/k/bin"),
            "KATA_PATH=/k/bin\nPATH=$PATH:$KATA_PATH\n");
}

TEST(ContainerdEnv, SetsTheFileOnceWithABackupAndKeepsItsMode) {
  test::TempDir dir("mkata-containerd-env");
  std::string file = dir / "containerd-env";
  const std::string original = "# KATA_PATH=\nPATH=$PATH:$KATA_PATH\n";
  ASSERT_TRUE(write_file_atomic(file, original, 0640));
  auto first = set_kata_path(file, "/opt/kata/bin");
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(*first);
  EXPECT_EQ(*read_file(file), "KATA_PATH=/opt/kata/bin\nPATH=$PATH:$KATA_PATH\n");
  EXPECT_EQ(*read_file(file + ".mkata-backup"), original);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  auto second = set_kata_path(file, "/opt/kata/bin");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);

  auto missing = set_kata_path(dir / "absent", "/opt/kata/bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "read " + dir / "absent" + ": No such file or directory");
}

}  // namespace
}  // namespace mkata::node
