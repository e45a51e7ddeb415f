// The wiring per runtime follows what the host (a fake root here) offers.
#include "node/runtime_plan.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

void make_executable(const std::string& path) {
  ASSERT_TRUE(make_directories(path.substr(0, path.rfind('/'))));
  ASSERT_TRUE(write_file_atomic(path, "#!/bin/sh\n", 0755));
}

TEST(RuntimePlan, BareHostUsesAdaptersAndWarnsAboutKata) {
  test::TempDir root("mkata-plan");
  ASSERT_TRUE(make_directories(root / "sys/fs/cgroup/unified"));
  ASSERT_TRUE(write_file_atomic(root / "sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n"));
  auto facts = probe_runtime_host(root.path());
  EXPECT_TRUE(facts.hybrid_cgroups);
  std::vector<std::string> notes;
  auto handlers = plan_runtimes({"gvisor", "crun", "kata"}, facts, {}, root.path(), notes);
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ((*handlers)[0].option("BinaryName"), "/usr/local/lib/mkata/mkata-runsc-adapter");
  EXPECT_EQ((*handlers)[1].option("BinaryName"), "/usr/local/lib/mkata/mkata-crun-adapter");
  EXPECT_EQ(adapter_of((*handlers)[0], kAdapterDir), "mkata-runsc-adapter");
  EXPECT_EQ((*handlers)[2].runtime_path, "");
  EXPECT_EQ(notes.back(),
            "warning: kata: containerd-shim-kata-v2 is not installed (looked in /opt/kata/bin and "
            "PATH): kata pods will fail until Kata Containers is installed");
}

TEST(RuntimePlan, InstalledShimsAreUsed) {
  test::TempDir root("mkata-plan");
  make_executable(root / "usr/local/bin/containerd-shim-runsc-v1");
  make_executable(root / "opt/kata/bin/containerd-shim-kata-v2");
  auto facts = probe_runtime_host(root.path());
  std::vector<std::string> notes;
  auto handlers = plan_runtimes({"gvisor", "crun", "kata"}, facts, {}, root.path(), notes);
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ((*handlers)[0].runtime_type, "io.containerd.runsc.v1");
  EXPECT_EQ((*handlers)[1].option("BinaryName"), "crun");  // not hybrid: crun itself
  // Only under /opt/kata/bin, which is not in containerd's PATH: name the shim explicitly.
  EXPECT_EQ((*handlers)[2].runtime_path, "/opt/kata/bin/containerd-shim-kata-v2");
  EXPECT_TRUE(notes.empty());
}

TEST(RuntimePlan, KataConfigMustExist) {
  test::TempDir root("mkata-plan");
  std::vector<std::string> notes;
  RuntimeChoices choices;
  choices.kata_config = "/etc/kata/configuration.toml";
  auto r = plan_runtimes({"kata"}, {}, choices, root.path(), notes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--kata-config: /etc/kata/configuration.toml does not exist");
  auto unknown = plan_runtime("youki", {}, {}, notes);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "unknown runtime 'youki' (accepted: runc, crun, gvisor, kata)");
}

}  // namespace
}  // namespace mkata::node
