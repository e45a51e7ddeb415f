#include "host/chosen_tool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::host {
namespace {

// A stand-in program at an OS seam: a script that prints what a real runsc prints.
std::string script(const test::TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir / name;
  EXPECT_TRUE(write_file_atomic(path, "#!/bin/sh\n" + body + "\n", 0755));
  return path;
}

const char* kAccepted =
    " (accepted: the path of a runsc program whose --version prints its version)";

TEST(ChosenTool, ReadsTheVersionOfTheNamedProgram) {
  test::TempDir dir;
  auto path = script(dir, "runsc", "echo 'runsc version 0.0~20240729.0'; echo 'spec: 1.2.0'");
  auto tool = tool_named_by_flag("--runsc", "runsc", path);
  ASSERT_TRUE(tool) << tool.error().message();
  EXPECT_EQ(tool->path, path);
  EXPECT_EQ(tool->version, "20240729.0");
  EXPECT_EQ(tool->version_output, "runsc version 0.0~20240729.0");
  EXPECT_EQ(runsc_release_date(tool->version), 20240729);
}

TEST(ChosenTool, RefusesWhatIsNotAProgramWithAVersion) {
  test::TempDir dir;
  auto missing = dir / "nope";
  auto r = tool_named_by_flag("--runsc", "runsc", missing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.error().message(), "--runsc '" + missing + "': no such file" + kAccepted);

  auto plain = dir / "plain";
  ASSERT_TRUE(write_file_atomic(plain, "x", 0644));
  r = tool_named_by_flag("--runsc", "runsc", plain);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--runsc '" + plain + "': not an executable file" + kAccepted);

  r = tool_named_by_flag("--runsc", "runsc", dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "--runsc '" + dir.path() + "': not an executable file" + kAccepted);

  auto failing = script(dir, "failing", "echo broken >&2; exit 3");
  r = tool_named_by_flag("--runsc", "runsc", failing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--runsc '" + failing + "': '" + failing +
                                     " --version' failed: exit 3: broken" + kAccepted);

  auto garbage = script(dir, "garbage", "echo hello world");
  r = tool_named_by_flag("--runsc", "runsc", garbage);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--runsc '" + garbage + "': '" + garbage +
                                     " --version' printed no version: 'hello world'" + kAccepted);

  r = tool_named_by_flag("--runsc", "runsc", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "--runsc '': empty" + std::string(kAccepted));
}

TEST(ChosenTool, ANewerRunscMakesSystrapThePlatform) {
  HostFacts facts;
  facts.tools.tools["runsc"] = {"/usr/bin/runsc", "20221219.0", "runsc version 0.0~20221219.0"};
  facts.gvisor = judge_gvisor_platforms(facts.tools.get("runsc"), facts.kvm);
  EXPECT_EQ(facts.gvisor.recommended, "ptrace");
  use_tool(facts, "runsc", {"/x/runsc", "20240729.0", "runsc version 0.0~20240729.0"});
  EXPECT_EQ(facts.tools.get("runsc").path, "/x/runsc");
  EXPECT_EQ(facts.gvisor.recommended, "systrap");
}

TEST(ChosenTool, ContainerdTwoMeansSchemaThree) {
  HostFacts facts;
  facts.tools.containerd_config_schema = 2;
  use_tool(facts, "containerd", {"/x/containerd", "2.1.9+unknown", "containerd ... 2.1.9+unknown"});
  EXPECT_EQ(facts.tools.containerd_config_schema, 3);
}

}  // namespace
}  // namespace mkata::host
