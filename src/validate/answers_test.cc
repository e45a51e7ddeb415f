#include "validate/answers.h"

#include <gtest/gtest.h>

namespace mkata::validate {
namespace {

TEST(Answers, TargetsUseTheDisplayNames) {
  EXPECT_EQ(helloworld_target("runc"), "runc Containers");
  EXPECT_EQ(helloworld_target("crun"), "crun Containers");
  EXPECT_EQ(helloworld_target("gvisor"), "gVisor Containers");
  EXPECT_EQ(helloworld_target("kata"), "Kata Containers");
}

TEST(Answers, HelloworldMustMatchExactly) {
  EXPECT_TRUE(check_helloworld_answer("Hello World: Kata Containers!\n", "Kata Containers"));
  auto bad = check_helloworld_answer("Hello World: NOT SPECIFIED!\n", "Kata Containers");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "helloworld answered 'Hello World: NOT SPECIFIED!\\n' (expected "
            "'Hello World: Kata Containers!\\n')");
  EXPECT_EQ(bad.error().kind(), ErrorKind::kCheckFailed);
}

TEST(Answers, AutoscaleNeedsThreeLinesAndTheSleep) {
  auto slept = check_autoscale_answer(
      "Allocated 5 Mb of memory.\nThe largest prime less than 10000 is 9973.\n"
      "Slept for 100.17 milliseconds.\n");
  ASSERT_TRUE(slept);
  EXPECT_DOUBLE_EQ(*slept, 100.17);
  auto short_sleep = check_autoscale_answer(
      "Allocated 5 Mb of memory.\nThe largest prime less than 10000 is 9973.\n"
      "Slept for 99.99 milliseconds.\n");
  EXPECT_EQ(short_sleep.error().message(),
            "autoscale slept 99.99 ms, less than the 100 ms requested");
  auto wrong_prime = check_autoscale_answer(
      "Allocated 5 Mb of memory.\nThe largest prime less than 10000 is 9967.\n"
      "Slept for 100.17 milliseconds.\n");
  EXPECT_EQ(wrong_prime.error().message(),
            "autoscale answered 'Allocated 5 Mb of memory.\\nThe largest prime less than 10000 "
            "is 9967.\\nSlept for 100.17 milliseconds.\\n' (expected 'Allocated 5 Mb of "
            "memory.\\nThe largest prime less than 10000 is 9973.\\nSlept for <T ≥ 100.00> "
            "milliseconds.\\n')");
  EXPECT_FALSE(check_autoscale_answer(
      "Allocated 5 Mb of memory.\nThe largest prime less than 10000 is 9973.\n"
      "Slept for 100.1 milliseconds.\n"));
  EXPECT_FALSE(check_autoscale_answer(""));
}

}  // namespace
}  // namespace mkata::validate
