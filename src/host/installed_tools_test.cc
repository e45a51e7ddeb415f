#include "host/installed_tools.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

TEST(InstalledTools, ParsesVersionOutputs) {
  EXPECT_EQ(parse_version("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1"),
            "1.6.20~ds1");
  EXPECT_EQ(parse_version("containerd github.com/containerd/containerd/v2 v2.0.2 c507a02"),
            "2.0.2");
  EXPECT_EQ(parse_version("runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\n"), "1.1.5+ds1");
  EXPECT_EQ(parse_version("runsc version 0.0~20221219.0\nspec: 1.0.2-dev\n"), "20221219.0");
  EXPECT_EQ(parse_version("runsc version release-20240212.0\n"), "20240212.0");
  EXPECT_EQ(parse_version("kata-runtime  : 3.2.0\n   commit   : 7f3e\n"), "3.2.0");
  EXPECT_EQ(parse_version("Kata Containers containerd shim (Golang): id: "
                          "\"io.containerd.kata.v2\", version: 3.2.0, commit: 7f3e"),
            "3.2.0");
  EXPECT_EQ(parse_version("no digits here"), "");
}

TEST(InstalledTools, LabHostHasDebianRuntimesAndNoKata) {
  auto root = fixture_host(testing::fixture_dir("lab-vm-kvm-pvm"));
  ASSERT_TRUE(root);
  InstalledTools t = probe_tools(**root);
  EXPECT_EQ(t.get("containerd").path, "/usr/bin/containerd");
  EXPECT_EQ(t.get("containerd").version, "1.6.20~ds1");
  EXPECT_EQ(t.containerd_config_schema, 2);
  EXPECT_EQ(t.get("runc").path, "/usr/sbin/runc");
  EXPECT_EQ(t.get("runc").version_output, "runc version 1.1.5+ds1");
  EXPECT_EQ(t.get("runsc").version, "20221219.0");
  EXPECT_FALSE(t.get("containerd-shim-kata-v2").installed());
  EXPECT_FALSE(t.opt_kata);
  EXPECT_EQ(t.evidence.back(), (Evidence{"/opt/kata", "absent"}));
  EXPECT_EQ(t.evidence[5],
            (Evidence{"containerd-shim-kata-v2",
                      "not found in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
                      "/opt/kata/bin"}));
}

TEST(InstalledTools, ContainerdTwoExpectsSchemaThreeAndKataUnderOpt) {
  auto root = fixture_host(testing::fixture_dir("amd-vm-nested"));
  ASSERT_TRUE(root);
  InstalledTools t = probe_tools(**root);
  EXPECT_EQ(t.get("containerd").version, "2.0.2");
  EXPECT_EQ(t.containerd_config_schema, 3);
  EXPECT_EQ(t.get("containerd-shim-kata-v2").path, "/opt/kata/bin/containerd-shim-kata-v2");
  EXPECT_EQ(t.get("kata-runtime").version, "3.2.0");
  EXPECT_TRUE(t.opt_kata);
}

TEST(InstalledTools, AVersionThatCannotBeReadIsShownNotGuessed) {
  testing::FixtureCopy host("kvm-no-vsock");
  host.remove("/fixture/versions/runsc");
  InstalledTools t = probe_tools(**fixture_host(host.dir()));
  EXPECT_TRUE(t.get("runsc").installed());
  EXPECT_EQ(t.get("runsc").version, "");
  EXPECT_EQ(t.get("runsc").version_output, "/usr/bin/runsc --version: no fixture/versions/runsc");
}

TEST(InstalledTools, LiveHostRunsTheRealTool) {
  // `true --version` (GNU coreutils) proves the real path: find under the root, run, parse.
  auto version = live_host()->tool_version("/bin/true");
  if (!version) GTEST_SKIP() << "/bin/true --version failed: " << version.error().message();
  EXPECT_NE(parse_version(*version), "");
  auto missing = live_host()->tool_version("/nonexistent/tool");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "run /nonexistent/tool: executable not found in PATH");
}

}  // namespace
}  // namespace mkata::host
