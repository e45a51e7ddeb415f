// The adapters' `key = value` config: values, repeats, and one-line errors naming file, line,
// key and what is accepted.
#include "adapters/adapter_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::adapters {
namespace {

TEST(AdapterConfig, RunscDefaultsAndValues) {
  auto empty = runsc_config_from("", "x.conf");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->runsc, "runsc");
  EXPECT_EQ(empty->platform, "ptrace");
  auto config = runsc_config_from(
      "# comment\nrunsc = /usr/bin/runsc\n\nplatform = systrap\nflag = --network=sandbox\n"
      "flag = --debug\noutput_dir = /var/log/x\nroot=/run/gv\ntrace = /tmp/t\n",
      "x.conf");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->runsc, "/usr/bin/runsc");
  EXPECT_EQ(config->platform, "systrap");
  EXPECT_EQ(config->flags, (std::vector<std::string>{"--network=sandbox", "--debug"}));
  EXPECT_EQ(config->output_dir, "/var/log/x");
  EXPECT_EQ(config->root, "/run/gv");
  EXPECT_EQ(config->trace, "/tmp/t");
}

TEST(AdapterConfig, Errors) {
  EXPECT_EQ(runsc_config_from("platfrom = kvm\n", "/a.conf").error().message(),
            "/a.conf line 1: unknown key \"platfrom\" (accepted: runsc, platform, root, flag, "
            "output_dir, trace)");
  EXPECT_EQ(runsc_config_from("\nruntime\n", "/a.conf").error().message(),
            "/a.conf line 2: expected `key = value`, got \"runtime\"");
  EXPECT_EQ(runsc_config_from("flag = debug\n", "/a.conf").error().message(),
            "/a.conf: flag \"debug\" is not a runsc flag (expected --name=value)");
  EXPECT_EQ(crun_config_from("runsc = x\n", "/c.conf").error().message(),
            "/c.conf line 1: unknown key \"runsc\" (accepted: crun, hide, max_spec)");
}

TEST(AdapterConfig, CrunValues) {
  auto config = crun_config_from("crun = /opt/crun\nhide = /sys/fs/cgroup/unified\n", "c");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->crun, "/opt/crun");
  EXPECT_EQ(config->hide, (std::vector<std::string>{"/sys/fs/cgroup/unified"}));
  EXPECT_EQ(config->max_spec, "1.1");
  config = crun_config_from("max_spec =\n", "c");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->max_spec, "");
}

TEST(AdapterConfig, FileBesideTheExecutedPathThenEnvOverride) {
  test::TempDir dir("mkata-adapter");
  std::string bin = dir / "mkata-runsc-adapter";
  unsetenv("MKATA_TEST_ADAPTER_CONFIG");
  EXPECT_EQ(find_config_file("MKATA_TEST_ADAPTER_CONFIG", bin), "");
  ASSERT_TRUE(write_file_atomic(bin + ".conf", "platform = ptrace\n"));
  EXPECT_EQ(find_config_file("MKATA_TEST_ADAPTER_CONFIG", bin), bin + ".conf");
  setenv("MKATA_TEST_ADAPTER_CONFIG", "/etc/other.conf", 1);
  EXPECT_EQ(find_config_file("MKATA_TEST_ADAPTER_CONFIG", bin), "/etc/other.conf");
  unsetenv("MKATA_TEST_ADAPTER_CONFIG");
}

}  // namespace
}  // namespace mkata::adapters
