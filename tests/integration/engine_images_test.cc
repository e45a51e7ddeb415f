// The sample images load into the engines users run, not only into containerd: Debian's Docker
// Engine (20.10, which reads only Docker's manifest.json) and Podman (4.3) load the very archives
// `mkata images build` writes, under their references, with the image ID = our config digest, the
// entrypoint and the non-root user we built. On Docker the helloworld image also runs the way the
// Docker target will run it (read-only root, no capabilities, no new privileges) and answers on
// its bridge IP. Private daemons only (support/private_engines.h): the system's engines are never
// used or changed.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/strings.h"
#include "image/image_set.h"
#include "image/workload_binaries.h"
#include "support/private_engines.h"
#include "support/test_env.h"
#include "validate/http_get.h"

namespace mkata {
namespace {

// The real static workloads of this build (a sanitizer build has none: skip there).
std::optional<std::string> built_workloads() {
  std::string dir = binary_path("/workloads");
  if (!image::find_workload_dir(std::vector<std::string>{dir})) return std::nullopt;
  for (const auto& name : image::kWorkloadNames) {
    auto bytes = read_file(dir + "/" + name);
    if (!bytes || !image::check_static_executable(name, *bytes)) return std::nullopt;
  }
  return dir;
}

#define MKATA_REQUIRE_BUILT_WORKLOADS(var)                                                \
  auto var = built_workloads();                                                           \
  do {                                                                                    \
    if (!var) GTEST_SKIP() << "the static workload binaries are not built (sanitizers?)"; \
  } while (0)

TEST(EngineImages, DockerLoadsEveryArchiveUnderItsReferenceAndRunsIt) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("dockerd");
  MKATA_REQUIRE_PROGRAM(test::kDockerCli);
  MKATA_REQUIRE_BUILT_WORKLOADS(workloads);
  test::TempDir tmp("mkata-docker");
  auto images = image::build_image_set({.workload_dir = *workloads, .out_dir = tmp / "images"});
  ASSERT_TRUE(images) << images.error().message();

  auto dockerd = test::PrivateDockerd::start(tmp / "docker");
  ASSERT_TRUE(dockerd) << dockerd.error().message();
  std::printf("dockerd %s\n", (*dockerd)->version().c_str());
  for (const auto& image : *images) {
    auto loaded = (*dockerd)->docker({"load", "-i", image.archive_path});
    ASSERT_TRUE(loaded) << image.name << ": " << loaded.error().message();
    EXPECT_EQ(trim(*loaded), "Loaded image: " + image.reference);
    auto inspect = (*dockerd)->docker({"image", "inspect", "--format",
                                       "{{.Id}} {{.Config.User}} {{json .Config.Entrypoint}}",
                                       image.reference});
    ASSERT_TRUE(inspect) << inspect.error().message();
    EXPECT_EQ(trim(*inspect), image.config_digest + " 65532:65532 [\"/" + image.name + "\"]");
  }

  auto id =
      (*dockerd)->docker({"run", "-d", "--read-only", "--cap-drop", "ALL", "--security-opt",
                          "no-new-privileges", "-e", "TARGET=Docker Engine", "--label",
                          "io.mkata.test=engine-images", image::image_reference("helloworld")});
  ASSERT_TRUE(id) << id.error().message();
  auto ip =
      (*dockerd)->docker({"inspect", "--format", "{{.NetworkSettings.IPAddress}}", trim(*id)});
  ASSERT_TRUE(ip) << ip.error().message();
  ASSERT_TRUE(starts_with(trim(*ip), "100.64.30.")) << *ip;
  Result<validate::HttpResponse> answer = fail("not asked");
  for (int i = 0; i < 50; ++i) {  // the server needs a few ms after `docker run` returns
    answer = validate::http_get("http://" + trim(*ip) + ":8080/", std::chrono::seconds(2));
    if (answer) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "Hello World: Docker Engine!\n");
  auto removed = (*dockerd)->docker({"rm", "-f", trim(*id)});
  EXPECT_TRUE(removed) << removed.error().message();
  (*dockerd)->stop();
  EXPECT_FALSE(path_exists(std::string("/sys/class/net/") + test::kDockerBridge));
}

TEST(EngineImages, PodmanLoadsEveryArchiveUnderItsReference) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("podman");
  MKATA_REQUIRE_BUILT_WORKLOADS(workloads);
  test::TempDir tmp("mkata-podman");
  auto images = image::build_image_set({.workload_dir = *workloads, .out_dir = tmp / "images"});
  ASSERT_TRUE(images) << images.error().message();
  test::PrivatePodman podman(tmp / "podman");
  for (const auto& image : *images) {
    auto loaded = podman.podman({"load", "-q", "-i", image.archive_path});
    ASSERT_TRUE(loaded) << image.name << ": " << loaded.error().message();
    EXPECT_EQ(trim(*loaded), "Loaded image: " + image.reference);
    auto inspect = podman.podman(
        {"image", "inspect", "--format", "sha256:{{.Id}} {{.User}}", image.reference});
    ASSERT_TRUE(inspect) << inspect.error().message();
    EXPECT_EQ(trim(*inspect), image.config_digest + " 65532:65532");
  }
  // vfs storage leaves only files under tmp; the images go with it.
  auto removed = podman.podman({"rmi", "--all", "--force"});
  EXPECT_TRUE(removed) << removed.error().message();
}

}  // namespace
}  // namespace mkata
