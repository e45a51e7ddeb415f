#include "core/error.h"

#include <gtest/gtest.h>

#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>

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

TEST(Error, ExceptionsBecomeInternalErrors) {
  auto thrown = run_catching_exceptions([]() -> Result<int> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().message(), "internal error: boom");
  EXPECT_EQ(exit_code_for(thrown.error()), 2);
  auto oom = run_catching_exceptions([]() -> Result<int> { throw std::bad_alloc(); });
  EXPECT_EQ(oom.error().message(), "internal error: std::bad_alloc");
  // What escaped to main before: nlohmann's type_error 316 on a non-UTF-8 string.
  auto json = run_catching_exceptions([]() -> Result<int> {
    return static_cast<int>(nlohmann::json(std::string("\xff")).dump().size());
  });
  EXPECT_EQ(json.error().message(),
            "internal error: [json.exception.type_error.316] invalid UTF-8 byte at index 0: 0xFF");
  auto other = run_catching_exceptions([]() -> Result<int> { throw 42; });
  EXPECT_EQ(other.error().message(), "internal error: unknown exception");
  EXPECT_EQ(*run_catching_exceptions([]() -> Result<int> { return 7; }), 7);
}

}  // namespace mkata
