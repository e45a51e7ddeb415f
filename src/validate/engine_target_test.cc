// How the Docker target names the engine runtime it chose, on the real /info answers of Docker
// 20.10 and 28 (src/engine/testdata): the engine is a fake only in transport — its find_runtime is
// engine::find_docker_runtime on the captured answer, Docker's own rules — so what is tested is
// the report's wording above it. On 28 Kata's runtimeType entry is listed without its type, and
// the report says so instead of showing an empty path.
#include "validate/engine_target.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "engine/docker_engine.h"

namespace mkata::validate {
namespace {

class CapturedDocker final : public engine::ContainerEngine {
 public:
  explicit CapturedDocker(const std::string& testdata) {
    auto text = read_file(std::string(MKATA_ENGINE_TESTDATA) + "/" + testdata);
    EXPECT_TRUE(text) << testdata;
    auto info = engine::parse_docker_info(text.value_or(""));
    EXPECT_TRUE(info) << testdata;
    if (info) info_ = *info;
  }
  engine::DockerInfo info_;

  std::string name() const override { return "docker"; }
  std::string description() const override { return "Docker " + info_.server_version; }
  std::string version() const override { return info_.server_version; }
  Result<void> connect() override { return {}; }
  Result<engine::EngineRuntime> find_runtime(const std::vector<std::string>& names) override {
    return engine::find_docker_runtime(info_, names);
  }
  Result<std::optional<std::string>> image_id(const std::string&) override { return fail("no"); }
  Result<void> load_image(const std::string&) override { return fail("no"); }
  Result<void> remove_image(const std::string&) override { return fail("no"); }
  Result<void> run(const engine::EngineContainer&, long long&, long long&) override {
    return fail("no");
  }
  Result<engine::ContainerState> inspect(const std::string&, const std::string&) override {
    return fail("no");
  }
  Result<std::string> logs(const std::string&, int) override { return fail("no"); }
  Result<void> remove(const std::string&) override { return fail("no"); }
};

std::string reported(EngineTarget& target, const std::string& component) {
  for (const auto& v : target.versions()) {
    if (v.component == component) return v.version;
  }
  return "(not reported)";
}

const host::RuntimeVerdict kUsable{true, {}, {}};

TEST(EngineTarget, OnDocker28KataIsTheShimRuntimeWhoseTypeDockerDoesNotShow) {
  auto engine = std::make_unique<CapturedDocker>("docker-28.5-info.json");
  auto* docker = engine.get();
  EngineTarget target(std::move(engine), {});
  auto kata = target.choose("kata", {}, kUsable);
  EXPECT_TRUE(kata.usable) << kata.reason;
  EXPECT_EQ(kata.handler, "kata");
  EXPECT_EQ(reported(target, "docker runtime kata"),
            "a shim runtime (the engine does not show its type)");
  auto gvisor = target.choose("gvisor", {}, kUsable);
  EXPECT_EQ(gvisor.handler, "gvisor");
  EXPECT_EQ(reported(target, "docker runtime gvisor"), "/usr/bin/runsc");

  // Without an entry, Engine 23.0+ runs Kata's shim by its full type: named in the report.
  docker->info_.runtimes.erase("kata");
  EngineTarget by_type(std::make_unique<CapturedDocker>(*docker), {});
  auto shim = by_type.choose("kata", {}, kUsable);
  EXPECT_EQ(shim.handler, "io.containerd.kata.v2");
  EXPECT_EQ(reported(by_type, "docker runtime io.containerd.kata.v2"), "io.containerd.kata.v2");
}

TEST(EngineTarget, OnDocker2010KatasEntryIsListedAndIgnored) {
  EngineTarget target(std::make_unique<CapturedDocker>("docker-20.10-info.json"), {});
  auto kata = target.choose("kata", {}, kUsable);
  EXPECT_FALSE(kata.usable);
  EXPECT_EQ(kata.reason,
            "Docker 20.10.24+dfsg1 lists the runtime kata with neither a path nor a runtimeType: "
            "it ignored the entry (named shim runtimes in daemon.json need Docker Engine 24.0) "
            "(it has: gvisor, io.containerd.runc.v2, io.containerd.runtime.v1.linux, kata, runc)");
  EXPECT_EQ(reported(target, "docker runtime kata"), "(not reported)");
}

}  // namespace
}  // namespace mkata::validate
