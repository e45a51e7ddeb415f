#include "engine/podman_engine.h"

#include <gtest/gtest.h>

#include "core/files.h"

namespace mkata::engine {
namespace {

TEST(PodmanEngine, CreateArgsHardenTheContainer) {
  EngineContainer c;
  c.name = "mkata-runc-autoscale-0123abcd";
  c.image = "mkata.local/autoscale:0.1.0";
  c.env = {{"PORT", "8080"}};
  c.user = "65532:65532";
  c.labels = {{"mkata.dev/run", "r1"}, {"mkata.dev/runtime", "runc"}};
  c.runtime = "runc";
  c.network = "mk-pod";
  c.ulimits = {{"nofile", 20000, 20000}, {"nproc", 32768, 32768}};
  EXPECT_EQ(podman_create_args(c), (std::vector<std::string>{"create",
                                                             "--name",
                                                             "mkata-runc-autoscale-0123abcd",
                                                             "--pull",
                                                             "never",
                                                             "--runtime",
                                                             "runc",
                                                             "--read-only",
                                                             "--cap-drop",
                                                             "all",
                                                             "--security-opt",
                                                             "no-new-privileges",
                                                             "--user",
                                                             "65532:65532",
                                                             "--label",
                                                             "mkata.dev/run=r1",
                                                             "--label",
                                                             "mkata.dev/runtime=runc",
                                                             "--env",
                                                             "PORT=8080",
                                                             "--network",
                                                             "mk-pod",
                                                             "--ulimit",
                                                             "nofile=20000:20000",
                                                             "--ulimit",
                                                             "nproc=32768:32768",
                                                             "mkata.local/autoscale:0.1.0"}));
  c.command = {"/autoscale", "--exit"};
  c.network.clear();
  c.ulimits.clear();
  auto args = podman_create_args(c);
  EXPECT_EQ(std::vector<std::string>(args.end() - 3, args.end()),
            (std::vector<std::string>{"--entrypoint", R"(["/autoscale","--exit"])",
                                      "mkata.local/autoscale:0.1.0"}));
  EXPECT_EQ(std::find(args.begin(), args.end(), "--network"), args.end());
}

TEST(PodmanEngine, RuntimeFromInfo) {
  // host.ociRuntime of `podman --runtime gvisor info --format json` (Podman 4.3.1), abridged.
  auto r = parse_podman_runtime(R"({"host":{"ociRuntime":{"name":"gvisor","package":"Unknown",)"
                                R"("path":"/usr/local/lib/mkata/mkata-runsc-adapter",)"
                                R"("version":"runsc version 0.0~20221219.0\nspec: 1.0.2-dev"}}})",
                                "gvisor");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->name, "gvisor");
  EXPECT_EQ(r->path, "/usr/local/lib/mkata/mkata-runsc-adapter");
  EXPECT_EQ(r->version, "runsc version 0.0~20221219.0");
  EXPECT_EQ(parse_podman_runtime("[]", "x").error().message(),
            "parse podman info: not a JSON object");
  EXPECT_EQ(parse_podman_runtime(R"({"host":{}})", "x").error().message(),
            "parse podman info: no host.ociRuntime");
}

}  // namespace
}  // namespace mkata::engine
