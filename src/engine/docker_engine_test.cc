#include "engine/docker_engine.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::engine {
namespace {

DockerInfo real_2010_info() {
  // Captured from Debian's dockerd 20.10.24 with daemon.json runtimes
  // {"gvisor": {"path": "/usr/bin/runsc"}, "kata": {"runtimeType": "io.containerd.kata.v2"}}.
  auto text = read_file(std::string(MKATA_ENGINE_TESTDATA) + "/docker-20.10-info.json");
  EXPECT_TRUE(text);
  auto info = parse_docker_info(text ? *text : "");
  EXPECT_TRUE(info);
  return info ? *info : DockerInfo{};
}

TEST(DockerEngine, APathEntryIsAnOciRuntimeTheRuncShimRuns) {
  auto r = find_docker_runtime(real_2010_info(), {"gvisor", "runsc"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->name, "gvisor");
  EXPECT_EQ(r->path, "/usr/bin/runsc");
  EXPECT_EQ(r->runtime_type, "");
  auto runc = find_docker_runtime(real_2010_info(), {"runc"});
  ASSERT_TRUE(runc);
  EXPECT_EQ(runc->path, "runc");
}

TEST(DockerEngine, AnEntry2010IgnoredIsNotUsableAndTheReasonSaysWhy) {
  auto r = find_docker_runtime(real_2010_info(), {"kata", "io.containerd.kata.v2"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "Docker 20.10.24+dfsg1 lists the runtime kata with neither a path nor a runtimeType: "
            "it ignored the entry (named shim runtimes in daemon.json need Docker Engine 24.0) "
            "(it has: gvisor, io.containerd.runc.v2, io.containerd.runtime.v1.linux, kata, runc)");
  EXPECT_EQ(r.error().kind(), ErrorKind::kCheckFailed);
}

// The real /info of Docker 28.5.2 lists daemon.json's {"runtimeType": "io.containerd.kata.v2"}
// as {}: on Engine 24.0+ that is how a loaded shim runtime looks (an entry with neither path nor
// type is refused at load), so kata is usable under that name; which shim it is, /info does not
// say (`docker run --runtime kata` then runs containerd-shim-kata-v2: integration test).
TEST(DockerEngine, OnEngine28AnEntryListedWithoutPathIsAShimRuntime) {
  auto text = read_file(std::string(MKATA_ENGINE_TESTDATA) + "/docker-28.5-info.json");
  ASSERT_TRUE(text);
  auto info = parse_docker_info(*text);
  ASSERT_TRUE(info);
  auto kata = find_docker_runtime(*info, {"kata", "io.containerd.kata.v2"});
  ASSERT_TRUE(kata) << kata.error().message();
  EXPECT_EQ(kata->name, "kata");
  EXPECT_EQ(kata->path, "");
  EXPECT_EQ(kata->runtime_type, "");  // not shown by the Engine
  auto gvisor = find_docker_runtime(*info, {"gvisor", "runsc"});
  ASSERT_TRUE(gvisor);
  EXPECT_EQ(gvisor->path, "/usr/bin/runsc");
  // Without the entry, Engine 23.0+ still runs the shim by its full type.
  info->runtimes.erase("kata");
  auto by_type = find_docker_runtime(*info, {"kata", "io.containerd.kata.v2"});
  ASSERT_TRUE(by_type);
  EXPECT_EQ(by_type->name, "io.containerd.kata.v2");
  EXPECT_EQ(by_type->runtime_type, "io.containerd.kata.v2");
  auto crun = find_docker_runtime(*info, {"crun"});
  ASSERT_FALSE(crun);
  EXPECT_EQ(crun.error().message(),
            "Docker 28.5.2+dfsg4 has no runtime named crun (it has: gvisor, io.containerd.runc.v2, "
            "runc)");
}

TEST(DockerEngine, AMissingNameSaysWhatTheEngineHas) {
  auto r = find_docker_runtime(real_2010_info(), {"crun"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "Docker 20.10.24+dfsg1 has no runtime named crun (it has: gvisor, "
            "io.containerd.runc.v2, io.containerd.runtime.v1.linux, kata, runc)");
}

TEST(DockerEngine, ShimRuntimesByVersion) {
  DockerInfo info;
  info.runtimes = {{"kata", {"", "io.containerd.kata.v2"}}, {"runc", {"runc", ""}}};
  // 24.0 understands a named shim runtime.
  info.server_version = "24.0.7";
  auto named = find_docker_runtime(info, {"kata", "io.containerd.kata.v2"});
  ASSERT_TRUE(named) << named.error().message();
  EXPECT_EQ(named->name, "kata");
  EXPECT_EQ(named->runtime_type, "io.containerd.kata.v2");
  // 23.0 ignores the entry but runs a shim named by its full type.
  info.server_version = "23.0.6";
  auto by_type = find_docker_runtime(info, {"kata", "io.containerd.kata.v2"});
  ASSERT_TRUE(by_type) << by_type.error().message();
  EXPECT_EQ(by_type->name, "io.containerd.kata.v2");
  EXPECT_EQ(by_type->runtime_type, "io.containerd.kata.v2");
  // 20.10 does neither.
  info.server_version = "20.10.24+dfsg1";
  info.runtimes.erase("kata");
  auto none = find_docker_runtime(info, {"kata", "io.containerd.kata.v2"});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "Docker 20.10.24+dfsg1 has no runtime named kata or io.containerd.kata.v2 (it has: "
            "runc)");
}

TEST(DockerEngine, CreateBodyHardensTheContainer) {
  EngineContainer c;
  c.name = "mkata-gvisor-helloworld-1234abcd";
  c.image = "mkata.local/helloworld:0.1.0";
  c.env = {{"TARGET", "gVisor Containers"}, {"PORT", "8080"}};
  c.user = "65532:65532";
  c.labels = {{"mkata.dev/runtime", "gvisor"}};
  c.runtime = "gvisor";
  EXPECT_EQ(render_docker_create(c),
            R"({"Env":["TARGET=gVisor Containers","PORT=8080"],"HostConfig":{"CapDrop":["ALL"],)"
            R"("NetworkMode":"default","ReadonlyRootfs":true,"Runtime":"gvisor",)"
            R"("SecurityOpt":["no-new-privileges"]},"Image":"mkata.local/helloworld:0.1.0",)"
            R"("Labels":{"mkata.dev/runtime":"gvisor"},"User":"65532:65532"})");
  c.command = {"/helloworld", "--crash"};
  c.network = "mk-net";
  c.ulimits = {{"nofile", 20000, 20000}};
  c.read_only_rootfs = false;
  auto body = render_docker_create(c);
  EXPECT_NE(body.find(R"("Entrypoint":["/helloworld","--crash"])"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("NetworkMode":"mk-net")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("ReadonlyRootfs":false)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("Ulimits":[{"Hard":20000,"Name":"nofile","Soft":20000}])"),
            std::string::npos)
      << body;
}

TEST(DockerEngine, LogStreamFramesAreJoined) {
  std::string stream;
  auto frame = [&](char kind, const std::string& text) {
    stream += kind;
    stream += std::string("\0\0\0", 3);
    uint32_t n = static_cast<uint32_t>(text.size());
    for (int shift : {24, 16, 8, 0}) stream += static_cast<char>((n >> shift) & 0xff);
    stream += text;
  };
  frame(1, "listening on :8080\n");
  frame(2, "fatal: bind\n");
  EXPECT_EQ(demux_docker_stream(stream), "listening on :8080\nfatal: bind\n");
  EXPECT_EQ(demux_docker_stream(stream.substr(0, stream.size() - 3)),
            "listening on :8080\nfatal: bi");
  EXPECT_EQ(demux_docker_stream(""), "");
}

}  // namespace
}  // namespace mkata::engine
