#include "engine/docker_api.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::engine {
namespace {

std::string testdata(const std::string& name) {
  auto text = read_file(std::string(MKATA_ENGINE_TESTDATA) + "/" + name);
  EXPECT_TRUE(text) << text.error().message();
  return text ? *text : "";
}

TEST(DockerApi, RealInfoOf2010KeepsARuntimeTypeEntryAsAnEmptyPath) {
  // Captured from Debian's dockerd 20.10.24 with daemon.json runtimes
  // {"gvisor": {"path": "/usr/bin/runsc"}, "kata": {"runtimeType": "io.containerd.kata.v2"}}.
  auto info = parse_docker_info(testdata("docker-20.10-info.json"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->server_version, "20.10.24+dfsg1");
  EXPECT_EQ(info->default_runtime, "runc");
  EXPECT_EQ(info->cgroup_driver, "cgroupfs");
  EXPECT_EQ(info->cgroup_version, "1");
  EXPECT_EQ(info->operating_system, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(info->runtimes.at("gvisor"), (DockerRuntime{"/usr/bin/runsc", ""}));
  EXPECT_EQ(info->runtimes.at("kata"), (DockerRuntime{"", ""}));  // runtimeType dropped
  EXPECT_EQ(info->runtimes.at("runc"), (DockerRuntime{"runc", ""}));
  EXPECT_EQ(engine_version(info->server_version), (std::pair{20, 10}));
}

TEST(DockerApi, RuntimeTypeIsReadWhereTheEngineReportsIt) {
  auto info = parse_docker_info(
      R"({"ServerVersion":"28.5.2","Runtimes":{"kata":{"runtimeType":"io.containerd.kata.v2"},)"
      R"("odd":"not an object"}})");
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->runtimes.at("kata"), (DockerRuntime{"", "io.containerd.kata.v2"}));
  EXPECT_FALSE(info->runtimes.contains("odd"));
  EXPECT_EQ(engine_version("28.5.2"), (std::pair{28, 5}));
  EXPECT_FALSE(engine_version("dev"));
  EXPECT_FALSE(engine_version("28"));
}

// Captured from Docker Engine 28.5.2 (Debian unstable's docker.io, private dockerd on the system's
// containerd 1.6.20) with daemon.json runtimes {"gvisor": {"path": "/usr/bin/runsc"}, "kata":
// {"runtimeType": "io.containerd.kata.v2", "options": {"ConfigPath": ...}}}: the kata entry is
// listed as {} — /info shows neither its type nor its options (Engine API 1.51's Runtime object
// has path, runtimeArgs and status only) — and the legacy io.containerd.runtime.v1.linux is gone.
TEST(DockerApi, RealInfoOf28ListsARuntimeTypeEntryWithoutItsType) {
  auto info = parse_docker_info(testdata("docker-28.5-info.json"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->server_version, "28.5.2+dfsg4");
  EXPECT_EQ(engine_version(info->server_version), (std::pair{28, 5}));
  EXPECT_EQ(info->default_runtime, "runc");
  EXPECT_EQ(info->cgroup_driver, "cgroupfs");
  EXPECT_EQ(info->cgroup_version, "1");
  EXPECT_EQ(info->operating_system, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(info->root_dir, "/tmp/d28exp/cap28/data");
  EXPECT_EQ(info->runtimes.at("gvisor"), (DockerRuntime{"/usr/bin/runsc", ""}));
  EXPECT_EQ(info->runtimes.at("kata"), (DockerRuntime{"", ""}));  // {}: type and options unshown
  // runc carries a "status" with its OCI features; the path is read all the same.
  EXPECT_EQ(info->runtimes.at("runc"), (DockerRuntime{"runc", ""}));
  EXPECT_EQ(info->runtimes.at("io.containerd.runc.v2"), (DockerRuntime{"runc", ""}));
  EXPECT_FALSE(info->runtimes.contains("io.containerd.runtime.v1.linux"));
  EXPECT_EQ(info->runtimes.size(), 4u);
}

TEST(DockerApi, ContainerdVersionFromRealVersionAnswers) {
  EXPECT_EQ(containerd_version_of(testdata("docker-28.5-version.json")), "1.6.20~ds1");
  EXPECT_EQ(containerd_version_of(testdata("docker-20.10-version.json")), "1.6.20~ds1");
  EXPECT_EQ(containerd_version_of("{\"Components\":{}}"), "");
  EXPECT_EQ(containerd_version_of("nonsense"), "");
}

// POST /images/load?quiet=1: a JSON stream, HTTP 200 even when the load failed (captured: 28.5
// loading mkata's helloworld archive, and both Engines given a file that is no tar).
TEST(DockerApi, LoadAnswersOfBothEngines) {
  EXPECT_EQ(docker_stream_error(testdata("docker-28.5-load.json")), std::nullopt);
  EXPECT_EQ(docker_stream_error(testdata("docker-28.5-load-error.json")), "unexpected EOF");
  EXPECT_EQ(docker_stream_error(testdata("docker-20.10-load-error.json")),
            "Error processing tar file(exit status 1): unexpected EOF");
  EXPECT_EQ(docker_stream_error("{\"stream\":\"a\"}\n{\"error\":\"second\"}\n"), "second");
  EXPECT_EQ(docker_stream_error("not json\n"), std::nullopt);
}

TEST(DockerApi, BadInfoIsAnError) {
  EXPECT_EQ(parse_docker_info("[1]").error().message(), "parse docker info: not a JSON object");
  EXPECT_EQ(parse_docker_info("{\"Runtimes\":{}}").error().message(),
            "parse docker info: no ServerVersion");
  EXPECT_FALSE(parse_docker_info("{\"ServerVersion\":"));
}

TEST(DockerApi, SocketPathTheDockerWay) {
  EXPECT_EQ(*docker_socket_path("", nullptr), "/var/run/docker.sock");
  EXPECT_EQ(*docker_socket_path("", ""), "/var/run/docker.sock");
  EXPECT_EQ(*docker_socket_path("", "unix:///run/user/0/docker.sock"), "/run/user/0/docker.sock");
  EXPECT_EQ(*docker_socket_path("unix:///tmp/d.sock", "unix:///other.sock"), "/tmp/d.sock");
  for (const char* bad : {"tcp://127.0.0.1:2375", "unix://", "unix://relative.sock", "/x.sock"}) {
    auto r = docker_socket_path(bad, nullptr);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), std::string("docker host '") + bad +
                                       "' is not supported (accepted: unix:///PATH/TO/SOCKET)");
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  }
}

TEST(DockerApi, NoDaemonIsAnEnvironmentErrorNamingTheSocket) {
  DockerClient client("/nonexistent/docker.sock");
  auto info = client.info();
  ASSERT_FALSE(info);
  EXPECT_TRUE(info.error().message().starts_with("docker: GET http://localhost/info on /nonexistent/docker.sock: "))
      << info.error().message();
  EXPECT_EQ(info.error().kind(), ErrorKind::kEnvironment);
}

}  // namespace
}  // namespace mkata::engine
