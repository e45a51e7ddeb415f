#include "core/process.h"

#include <gtest/gtest.h>

namespace mkata {

TEST(Process, CapturesStdoutStderrAndExitCode) {
  auto r = run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->describe(), "exit 3: err");
}

TEST(Process, PassesInputAndEnvironment) {
  RunOptions o;
  o.input = "abc";
  o.env = {"MKATA_TEST_VALUE=42"};
  auto r = run({"sh", "-c", "cat; echo $MKATA_TEST_VALUE"}, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "abc42\n");
}

TEST(Process, TimeoutKillsChild) {
  RunOptions o;
  o.timeout = std::chrono::milliseconds(200);
  auto r = run({"sleep", "10"}, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->ok());
}

TEST(Process, MissingProgramIsAnError) {
  auto r = run({"mkata-no-such-program"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "run mkata-no-such-program: executable not found in PATH");
}

TEST(Process, RunCheckedReportsFailure) {
  auto r = run_checked({"sh", "-c", "echo boom >&2; exit 1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "sh failed: exit 1: boom");
}

TEST(Process, SpawnAndStop) {
  auto c = spawn({"sleep", "30"});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->running());
  c->stop(std::chrono::seconds(2));
  EXPECT_FALSE(c->running());
}

}  // namespace mkata
