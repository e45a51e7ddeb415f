#include "image/workload_binaries.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::image {

namespace {

void put_stub(const std::string& path) {
  std::filesystem::copy_file(MKATA_IMAGE_TEST_STUB, path,
                             std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TEST(WorkloadBinaries, CandidateOrder) {
  EXPECT_EQ(workload_dir_candidates("/x", "/env", "/b/src/cli/mkata"),
            std::vector<std::string>{"/x"});
  EXPECT_EQ(workload_dir_candidates("", "/env", "/b/src/cli/mkata"),
            std::vector<std::string>{"/env"});
  EXPECT_EQ(workload_dir_candidates("", "", "/b/src/cli/mkata"),
            (std::vector<std::string>{"/b/workloads", "/b/src/lib/mkata/workloads",
                                      "/usr/local/lib/mkata/workloads"}));
  // The Debian package: /usr/bin/mkata, /usr/lib/mkata/workloads.
  EXPECT_EQ(workload_dir_candidates("", "", "/usr/bin/mkata")[1], "/usr/lib/mkata/workloads");
}

TEST(WorkloadBinaries, FirstCompleteDirectoryWins) {
  test::TempDir dir("mkata-images-find");
  std::filesystem::create_directories(dir / "partial");
  std::filesystem::create_directories(dir / "full");
  put_stub(dir / "partial/pause");
  for (const auto& name : kWorkloadNames) put_stub(dir / "full/" + name);
  auto found = find_workload_dir({dir / "partial", dir / "full"});
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(*found, dir / "full");
}

TEST(WorkloadBinaries, MissingBinariesNameEveryPathSearched) {
  test::TempDir dir("mkata-images-find");
  std::filesystem::create_directories(dir / "partial");
  put_stub(dir / "partial/pause");
  auto found = find_workload_dir({dir / "partial", dir / "absent"});
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().message(),
            "find workload binaries: no directory holds helloworld, autoscale, pause; searched: " +
                dir / "partial" + " (missing helloworld, autoscale); " + dir / "absent" +
                " (missing helloworld, autoscale, pause)");
  EXPECT_EQ(found.error().hint(),
            "build them (ninja -C build helloworld autoscale pause) or pass --workloads DIR (or "
            "set MKATA_WORKLOAD_DIR)");
}

TEST(WorkloadBinaries, StaticCheck) {
  auto stub = read_file(MKATA_IMAGE_TEST_STUB);
  ASSERT_TRUE(stub);
  EXPECT_TRUE(check_static_executable("stub", *stub));
  // The test binary itself is dynamically linked.
  auto self = read_file("/proc/self/exe");
  ASSERT_TRUE(self);
  auto dynamic = check_static_executable("/x/helloworld", *self);
  ASSERT_FALSE(dynamic);
  EXPECT_EQ(dynamic.error().message(),
            "/x/helloworld is not a static x86-64 executable: dynamically linked (has an ELF "
            "interpreter)");
  auto script = check_static_executable("/x/pause", "#!/bin/sh\n");
  ASSERT_FALSE(script);
  EXPECT_EQ(script.error().message(),
            "/x/pause is not a static x86-64 executable: not an ELF file");
}

}  // namespace mkata::image
