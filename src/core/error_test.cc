#include "core/error.h"

#include <gtest/gtest.h>

namespace mkata {

TEST(Error, WrapAddsContextOutermostFirst) {
  Error e = Error("Permission denied").wrap("write /etc/containerd/config.toml").wrap("install kata");
  EXPECT_EQ(e.message(), "install kata: write /etc/containerd/config.toml: Permission denied");
}

TEST(Error, KindSelectsExitCode) {
  EXPECT_EQ(exit_code_for(Error("x")), 2);
  EXPECT_EQ(exit_code_for(Error::usage("x")), 2);
  EXPECT_EQ(exit_code_for(Error("x", ErrorKind::kCheckFailed)), 1);
  EXPECT_EQ(exit_code_for(Error("x", ErrorKind::kInterrupted)), 130);
}

TEST(Error, HintSurvivesWrap) {
  Error e = Error("connection refused").with_hint("is containerd running?").wrap("read back");
  EXPECT_EQ(e.hint(), "is containerd running?");
  EXPECT_EQ(e.message(), "read back: connection refused");
}

TEST(Error, FromErrnoUsesStrerror) {
  EXPECT_EQ(Error::from_errno("open /x", ENOENT).message(), "open /x: No such file or directory");
}

}  // namespace mkata
