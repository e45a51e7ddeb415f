// What a real Docker Engine (Debian's dockerd 20.10, private daemon) says about its runtimes
// through the Engine API, as mkata reads it: the entries of daemon.json with their paths; a
// `runtimeType` entry (Kata's shim) kept by name with an empty path — listed, yet unusable —
// which is why every read-back compares paths and types, never only names; and SIGHUP reloading
// `runtimes` without a restart, both adding and removing (the reload path of hosts without
// systemd).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/files.h"
#include "engine/docker_api.h"
#include "support/fetched_versions.h"
#include "support/private_engines.h"
#include "support/test_env.h"

namespace mkata {
namespace {

// Polls /info until pred holds (a reload is asynchronous) or 10 s pass.
template <typename Pred>
Result<engine::DockerInfo> info_when(const engine::DockerClient& client, Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto info = client.info();
    if (!info || pred(*info) || std::chrono::steady_clock::now() > deadline) return info;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST(DockerEngine, InfoListsRuntimesWithPathsAndDropsRuntimeTypeOn2010) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("dockerd");
  test::TempDir tmp("mkata-docker-api");
  auto dockerd = test::PrivateDockerd::start(
      tmp / "docker",
      R"({"gvisor": {"path": "/usr/bin/runsc"}, "kata": {"runtimeType": "io.containerd.kata.v2"}})");
  ASSERT_TRUE(dockerd) << dockerd.error().message();
  engine::DockerClient client((*dockerd)->socket());
  auto info = client.info();
  ASSERT_TRUE(info) << info.error().message();
  std::printf("dockerd %s\n", info->server_version.c_str());
  EXPECT_EQ(info->runtimes.at("gvisor"), (engine::DockerRuntime{"/usr/bin/runsc", ""}));
  EXPECT_EQ(info->runtimes.at("runc").path, "runc");
  auto version = engine::engine_version(info->server_version);
  ASSERT_TRUE(version);
  if (*version < std::pair{24, 0}) {
    // Listed by name, but neither path nor type survived: unusable, and only a comparison of
    // the type shows it.
    EXPECT_EQ(info->runtimes.at("kata"), (engine::DockerRuntime{"", ""}));
  } else {
    // Engine 24.0+ loads it and lists it as {} all the same (28.5.2: /info shows no runtimeType).
    EXPECT_EQ(info->runtimes.at("kata"), (engine::DockerRuntime{"", ""}));
  }

  // SIGHUP reloads `runtimes`: crun appears, kata goes, without a restart.
  pid_t before = (*dockerd)->pid();
  ASSERT_TRUE((*dockerd)->reload(R"({"gvisor": {"path": "/usr/bin/runsc"},)"
                                 R"( "crun": {"path": "/usr/bin/crun"}})"));
  auto reloaded = info_when(client, [](const engine::DockerInfo& i) {
    return i.runtimes.contains("crun") && !i.runtimes.contains("kata");
  });
  ASSERT_TRUE(reloaded) << reloaded.error().message();
  EXPECT_EQ(reloaded->runtimes.at("crun"), (engine::DockerRuntime{"/usr/bin/crun", ""}));
  EXPECT_FALSE(reloaded->runtimes.contains("kata"));
  EXPECT_EQ((*dockerd)->pid(), before);
}

// The rule the read-back on Engine 24.0+ rests on (a listed entry without a path is a runtimeType
// entry): Docker 28 refuses an entry with neither a path nor a runtimeType. It exits at start —
// leaving its data-root bind-mounted onto itself, which the fixture removes.
TEST(DockerEngine, Docker28RefusesAnEntryWithNeitherPathNorRuntimeType) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_FETCHED(docker, "docker.io", "sid");
  test::TempDir tmp("mkata-docker-api-28");
  auto dockerd = test::PrivateDockerd::start(tmp / "docker", R"({"kata": {}})",
                                             {docker.file("/usr/sbin/dockerd")});
  ASSERT_FALSE(dockerd);
  EXPECT_NE(dockerd.error().message().find(
                "failed to start daemon: runtime kata: either a runtimeType or a path must be "
                "configured"),
            std::string::npos)
      << dockerd.error().message();
  auto mounts = read_file("/proc/self/mountinfo");
  ASSERT_TRUE(mounts);
  EXPECT_EQ(mounts->find(tmp / "docker/data"), std::string::npos) << "the data-root stayed mounted";
  EXPECT_FALSE(path_exists("/sys/class/net/mk-dock0"));
}

}  // namespace
}  // namespace mkata
