// A private containerd really starts, serves its socket, writes only under its state directory,
// and stops; a broken config fails with containerd's own words.
#include "embedded/containerd_daemon.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_env.h"

namespace mkata {

TEST(ContainerdDaemon, StartsOnPrivatePathsAndStops) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  test::TempDir dir("mkata-containerd");
  ContainerdOptions options;
  options.state_dir = dir / "state";
  // No CRI here: this test is about the daemon's lifecycle only.
  // disabled_plugins is a top-level key and must precede the tables: put it first.
  options.config_toml = "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n" +
                        private_containerd_config(ContainerdPaths::under(options.state_dir));
  auto daemon = ContainerdDaemon::start(options);
  ASSERT_TRUE(daemon) << daemon.error().message();
  EXPECT_TRUE(daemon->running());
  EXPECT_TRUE(std::filesystem::exists(daemon->address()));
  auto version = run_checked({"ctr", "--address", daemon->address(), "version"});
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_NE(version->find("Server:"), std::string::npos) << *version;
  pid_t pid = daemon->pid();
  daemon->stop();
  EXPECT_NE(kill(pid, 0), 0) << "containerd still alive after stop()";
}

TEST(ContainerdDaemon, BrokenConfigFailsWithContainerdsReason) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  test::TempDir dir("mkata-containerd");
  ContainerdOptions options;
  options.state_dir = dir / "state";
  options.config_toml = "version = 2\n[grpc\n";  // malformed TOML
  auto daemon = ContainerdDaemon::start(options);
  ASSERT_FALSE(daemon);
  EXPECT_NE(daemon.error().message().find("start containerd in " + options.state_dir +
                                          ": containerd exited during start-up"),
            std::string::npos)
      << daemon.error().message();
}

}  // namespace mkata
