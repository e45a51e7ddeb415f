// Pushing the image archives to a real registry (Debian's docker-registry, the CNCF distribution
// 2.8, on a loopback port of the test's own, plain HTTP) with Debian's skopeo, as `validate
// --target kube --registry` does: the registry then serves each image under REPO/<name>:<tag>
// with exactly the manifest digest `mkata images build` computed — the same bytes, no
// conversion (tests/support/private_registry.h).
#include "image/image_push.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/http_client.h"
#include "core/process.h"
#include "image/digest.h"
#include "image/image_set.h"
#include "support/private_registry.h"
#include "support/test_env.h"

namespace mkata {
namespace {

TEST(ImagePush, ARealRegistryServesTheBuiltManifestsUnchanged) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("skopeo");
  MKATA_REQUIRE_PROGRAM("docker-registry");
  test::TempDir tmp("mkata-image-push");
  auto registry = test::PrivateRegistry::start(tmp / "registry");
  ASSERT_TRUE(registry) << registry.error().message();
  const std::string& address = (*registry)->address();

  auto built = image::build_image_set({"", tmp / "images"});
  ASSERT_TRUE(built) << built.error().message();
  auto t0 = std::chrono::steady_clock::now();
  auto pushed = image::push_images(*built, {address + "/mkata", true, "skopeo"});
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_TRUE(pushed) << pushed.error().message();
  std::printf("[ timing ] push of %zu images to a loopback registry: %lld ms\n", pushed->size(),
              static_cast<long long>(ms));
  for (const auto& image : *built) {
    HttpRequest get;
    get.url = "http://" + address + "/v2/mkata/" + image.name + "/manifests/" + image::image_tag();
    get.headers = {"Accept: application/vnd.oci.image.manifest.v1+json"};
    auto manifest = http_request(get);
    ASSERT_TRUE(manifest) << manifest.error().message();
    EXPECT_EQ(manifest->status, 200) << image.name << ": " << manifest->body;
    auto digest = image::sha256_digest(manifest->body);
    ASSERT_TRUE(digest);
    EXPECT_EQ(*digest, image.manifest_digest) << image.name;
  }
}

}  // namespace
}  // namespace mkata
