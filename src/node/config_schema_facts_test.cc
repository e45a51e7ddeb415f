#include "node/config_schema_facts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/build_paths.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

const std::string kMicrok8s = source_path("/../shared/fixtures/microk8s/");

// A distribution's containerd that only answers --version (the OS seam check reads).
void fake_containerd(const std::string& path, const std::string& version_line) {
  ASSERT_TRUE(make_directories(std::filesystem::path(path).parent_path().string()));
  ASSERT_TRUE(write_file_atomic(path, "#!/bin/sh\necho '" + version_line + "'\n", 0755));
}

TEST(ConfigSchemaFacts, MicroK8sTemplateVersion2WithContainerd2IsMigrated) {
  if (!path_exists(kMicrok8s)) GTEST_SKIP() << kMicrok8s << " is absent";
  test::TempDir root("mkata-schema-facts");
  std::string tmpl = root / "var/snap/microk8s/current/args/containerd-template.toml";
  ASSERT_TRUE(make_directories(root / "var/snap/microk8s/current/args"));
  ASSERT_TRUE(write_file_atomic(tmpl, *read_file(kMicrok8s + "containerd-template.toml")));
  std::string bin = root / "snap/microk8s/current/bin/containerd";
  fake_containerd(bin, "containerd github.com/containerd/containerd/v2 v2.1.4 abc");
  auto facts = judge_containerd_config(root.path());
  EXPECT_TRUE(facts.judged);
  EXPECT_EQ(facts.distribution, "microk8s");
  EXPECT_EQ(facts.path, tmpl);
  EXPECT_TRUE(facts.exists);
  EXPECT_EQ(facts.containerd, "v2.1.4 (" + bin + " --version)");
  EXPECT_EQ(facts.schema, 2);
  EXPECT_EQ(facts.why, "the file says version = 2; containerd v2.1.4 (" + bin +
                           " --version) migrates it to v3 when it loads it");
}

TEST(ConfigSchemaFacts, AVersion3FileWithContainerd1xIsWhatInstallWouldRefuse) {
  test::TempDir root("mkata-schema-facts");
  ASSERT_TRUE(make_directories(root / "etc/containerd"));
  ASSERT_TRUE(write_file_atomic(root / "etc/containerd/config.toml", "version = 3\n"));
  fake_containerd(root / "usr/bin/containerd",
                  "containerd github.com/containerd/containerd 1.7.24~ds1 1.7.24~ds1-6");
  auto facts = judge_containerd_config(root.path());
  EXPECT_EQ(facts.distribution, "containerd");
  EXPECT_FALSE(facts.schema);
  EXPECT_EQ(facts.why, root / "etc/containerd/config.toml" +
                           ": the file says version = 3 (config schema v3, containerd 2.x), but "
                           "containerd 1.7.24~ds1 (" +
                           root / "usr/bin/containerd" +
                           " --version) reads schema v2 only: it would start and ignore every "
                           "runtime written there");
}

TEST(ConfigSchemaFacts, NoFileAndNoContainerdIsTheDefault) {
  test::TempDir root("mkata-schema-facts");
  auto facts = judge_containerd_config(root.path());
  EXPECT_EQ(facts.distribution, "containerd");
  EXPECT_FALSE(facts.exists);
  EXPECT_EQ(facts.containerd, "");
  EXPECT_EQ(facts.schema, 2);
  EXPECT_EQ(facts.why, "schema v2 for a new file (containerd's version is unknown)");
}

}  // namespace
}  // namespace mkata::node
