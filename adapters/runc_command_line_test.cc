// The command lines go-runc (containerd's runc shim) really sends, taken apart.
#include "adapters/runc_command_line.h"

#include <gtest/gtest.h>

namespace mkata::adapters {
namespace {

TEST(RuncCommandLine, CreateAsTheShimSendsIt) {
  auto line = parse_runc_command_line({"--root", "/run/r/k8s.io", "--log", "/b/log.json",
                                       "--log-format", "json", "create", "--bundle", "/b",
                                       "--pid-file", "/b/init.pid", "--no-pivot", "abc"});
  ASSERT_TRUE(line) << line.error().message();
  EXPECT_EQ(line->root, "/run/r/k8s.io");
  EXPECT_EQ(line->log, "/b/log.json");
  EXPECT_EQ(line->global_flags, (std::vector<std::string>{"--root", "/run/r/k8s.io", "--log",
                                                          "/b/log.json", "--log-format", "json"}));
  EXPECT_EQ(line->command, "create");
  EXPECT_EQ(line->container_id(), "abc");
  EXPECT_EQ(line->flag("--bundle", "-b"), "/b");
  EXPECT_EQ(line->flag("--pid-file"), "/b/init.pid");
  EXPECT_TRUE(line->has_flag("--no-pivot"));
  EXPECT_FALSE(line->flag("--console-socket"));
}

TEST(RuncCommandLine, EqualsFormsAndKillSignal) {
  auto line = parse_runc_command_line(
      {"--root=/r", "--systemd-cgroup", "--rootless=false", "kill", "--all", "abc", "9"});
  ASSERT_TRUE(line) << line.error().message();
  EXPECT_EQ(line->root, "/r");
  EXPECT_EQ(line->command, "kill");
  EXPECT_TRUE(line->has_flag("--all", "-a"));
  EXPECT_EQ(line->positionals, (std::vector<std::string>{"abc", "9"}));
}

TEST(RuncCommandLine, ExecWithProcessFileAndVersion) {
  auto line = parse_runc_command_line(
      {"exec", "--process", "/tmp/p.json", "--detach", "--pid-file=/tmp/e.pid", "abc"});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->container_id(), "abc");
  EXPECT_EQ(line->flag("--process", "-p"), "/tmp/p.json");
  EXPECT_EQ(line->flag("--pid-file"), "/tmp/e.pid");
  auto version = parse_runc_command_line({"--version"});
  ASSERT_TRUE(version);
  EXPECT_EQ(version->command, "");
  EXPECT_EQ(version->global_flags, (std::vector<std::string>{"--version"}));
}

TEST(RuncCommandLine, GlobalFlagWithoutValue) {
  EXPECT_EQ(parse_runc_command_line({"--root"}).error().message(),
            "runtime command line: --root needs a value");
}

}  // namespace
}  // namespace mkata::adapters
