#include "engine/container_engine.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::engine {
namespace {

TEST(ContainerEngine, RuntimeNamesMkataWritesFirstThenTheRuntimesOwn) {
  EXPECT_EQ(engine_runtime_names("runc"), (std::vector<std::string>{"runc"}));
  EXPECT_EQ(engine_runtime_names("crun"), (std::vector<std::string>{"crun"}));
  EXPECT_EQ(engine_runtime_names("gvisor"), (std::vector<std::string>{"gvisor", "runsc"}));
  EXPECT_EQ(engine_runtime_names("kata"),
            (std::vector<std::string>{"kata", "io.containerd.kata.v2"}));
}

std::string testdata(const std::string& name) {
  auto text = read_file(std::string(MKATA_ENGINE_TESTDATA) + "/" + name);
  EXPECT_TRUE(text) << text.error().message();
  return text ? *text : "";
}

// Captured from Debian's dockerd 20.10.24: a helloworld container under the runsc adapter on the
// default bridge, and a runc one after `POST /kill`.
TEST(ContainerEngine, RealDockerInspect) {
  auto running = parse_container_inspect(testdata("docker-20.10-inspect-running.json"), "");
  ASSERT_TRUE(running) << running.error().message();
  EXPECT_EQ(running->status, "running");
  EXPECT_FALSE(running->exit_code);
  EXPECT_EQ(running->ip, "100.64.30.2");
  auto named = parse_container_inspect(testdata("docker-20.10-inspect-running.json"), "bridge");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->ip, "100.64.30.2");
  auto other = parse_container_inspect(testdata("docker-20.10-inspect-running.json"), "mk-net");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->ip, "");
  auto exited = parse_container_inspect(testdata("docker-20.10-inspect-exited.json"), "");
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->status, "exited");
  EXPECT_EQ(exited->exit_code, 137);
  EXPECT_EQ(exited->ip, "");
}

// Captured from Docker Engine 28.5.2 (API 1.51): helloworld created with mkata's hardened body
// (user 65532, read-only rootfs, cap-drop ALL, no-new-privileges) on the default bridge, running,
// then after `POST /kill?signal=KILL`. 28 adds Networks.bridge.DNSNames and GwPriority; the
// fields mkata reads (State, Networks.<name>.IPAddress) are as in 20.10.
TEST(ContainerEngine, RealDockerInspectOf28) {
  auto running = parse_container_inspect(testdata("docker-28.5-inspect-running.json"), "");
  ASSERT_TRUE(running) << running.error().message();
  EXPECT_EQ(running->status, "running");
  EXPECT_FALSE(running->exit_code);
  EXPECT_EQ(running->ip, "100.64.30.2");
  auto named = parse_container_inspect(testdata("docker-28.5-inspect-running.json"), "bridge");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->ip, "100.64.30.2");
  auto exited = parse_container_inspect(testdata("docker-28.5-inspect-exited.json"), "bridge");
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->status, "exited");
  EXPECT_EQ(exited->exit_code, 137);
  EXPECT_EQ(exited->ip, "");
}

// Captured from Podman 4.3.1 (one element of `podman container inspect --format json`), on a CNI
// network mk-podnet of the test's own.
TEST(ContainerEngine, RealPodmanInspectHasTheSameShape) {
  auto one = [](const std::string& array) {
    auto begin = array.find('{');
    auto end = array.rfind('}');
    return array.substr(begin, end - begin + 1);
  };
  auto running = parse_container_inspect(one(testdata("podman-4.3-inspect-running.json")), "");
  ASSERT_TRUE(running) << running.error().message();
  EXPECT_EQ(running->status, "running");
  EXPECT_EQ(running->ip, "100.64.31.3");
  auto exited =
      parse_container_inspect(one(testdata("podman-4.3-inspect-exited.json")), "mk-podnet");
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->status, "exited");
  EXPECT_EQ(exited->exit_code, 137);
}

TEST(ContainerEngine, BadInspectIsAnError) {
  EXPECT_EQ(parse_container_inspect("[]", "").error().message(),
            "parse container inspect: not a JSON object");
  EXPECT_EQ(parse_container_inspect("{}", "").error().message(),
            "parse container inspect: no State");
  auto s = parse_container_inspect(R"({"State":{"Status":"running","ExitCode":0}})", "");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "running");
  EXPECT_FALSE(s->exit_code);  // not exited yet: the 0 means nothing
  EXPECT_EQ(s->ip, "");
}

}  // namespace
}  // namespace mkata::engine
