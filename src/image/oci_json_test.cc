#include "image/oci_json.h"

#include <gtest/gtest.h>

namespace mkata::image {

TEST(OciJson, ConfigRendersSortedCompactAndRoundTrips) {
  ImageConfig c;
  c.entrypoint = {"/helloworld"};
  c.env = {"PATH=/bin", "PORT=8080"};
  c.user = "65532:65532";
  c.exposed_ports = {"8080/tcp"};
  c.diff_ids = {"sha256:" + std::string(64, 'a')};
  c.history = {"made by a test"};
  auto json = render_image_config(c);
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(*json,
            R"({"architecture":"amd64","config":{"Entrypoint":["/helloworld"],"Env":["PATH=/bin",)"
            R"("PORT=8080"],"ExposedPorts":{"8080/tcp":{}},"StopSignal":"SIGTERM",)"
            R"("User":"65532:65532","WorkingDir":"/"},"created":"1970-01-01T00:00:00Z",)"
            R"("history":[{"created":"1970-01-01T00:00:00Z","created_by":"made by a test"}],)"
            R"("os":"linux","rootfs":{"diff_ids":["sha256:)" +
                std::string(64, 'a') + R"("],"type":"layers"}})");
  auto back = parse_image_config(*json);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, c);
}

TEST(OciJson, NoPortsMeansNoExposedPorts) {
  ImageConfig c;
  c.entrypoint = {"/pause"};
  auto json = render_image_config(c);
  ASSERT_TRUE(json);
  EXPECT_EQ(json->find("ExposedPorts"), std::string::npos);
}

TEST(OciJson, IndexCarriesAnnotationsAndPlatform) {
  Descriptor d{
      .media_type = kMediaTypeManifest,
      .digest = "sha256:" + std::string(64, 'b'),
      .size = 42,
      .annotations = {{kAnnotationContainerdName, "mkata.local/x:1"}, {kAnnotationRefName, "1"}},
      .platform_os = "linux",
      .platform_architecture = "amd64"};
  auto json = render_index({d});
  ASSERT_TRUE(json);
  EXPECT_EQ(*json,
            R"({"manifests":[{"annotations":{"io.containerd.image.name":"mkata.local/x:1",)"
            R"("org.opencontainers.image.ref.name":"1"},"digest":"sha256:)" +
                std::string(64, 'b') +
                R"(","mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("platform":{"architecture":"amd64","os":"linux"},"size":42}],)"
                R"("mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2})");
  auto back = parse_index(*json);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front(), d);
}

TEST(OciJson, ManifestRoundTrips) {
  Manifest m{.config = {.media_type = kMediaTypeConfig,
                        .digest = "sha256:c",
                        .size = 3,
                        .annotations = {},
                        .platform_os = {},
                        .platform_architecture = {}},
             .layers = {{.media_type = kMediaTypeLayerGzip,
                         .digest = "sha256:l",
                         .size = 9,
                         .annotations = {},
                         .platform_os = {},
                         .platform_architecture = {}}}};
  auto json = render_manifest(m);
  ASSERT_TRUE(json);
  EXPECT_NE(json->find(R"("schemaVersion":2)"), std::string::npos);
  EXPECT_NE(json->find(R"("mediaType":"application/vnd.oci.image.manifest.v1+json")"),
            std::string::npos);
  auto back = parse_manifest(*json);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->config, m.config);
  EXPECT_EQ(back->layers, m.layers);
}

TEST(OciJson, ParseErrorsNameTheDocument) {
  auto bad = parse_image_config("{\"os\":\"linux\"}");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message().starts_with("parse image config: ")) << bad.error().message();
  auto garbage = parse_index("not json");
  ASSERT_FALSE(garbage);
  EXPECT_TRUE(garbage.error().message().starts_with("parse index: ")) << garbage.error().message();
}

TEST(OciJson, InvalidUtf8IsAnErrorNotGarbage) {
  ImageConfig c;
  c.env = {"X=\xff"};
  auto json = render_image_config(c);
  ASSERT_FALSE(json);
  EXPECT_TRUE(json.error().message().starts_with("render image config: "))
      << json.error().message();
}

TEST(OciJson, DockerManifestRendersExactlyAndRoundTrips) {
  std::vector<DockerManifestEntry> entries = {{.config = "blobs/sha256/c",
                                               .repo_tags = {"mkata.local/app:1.2.3"},
                                               .layers = {"blobs/sha256/l"}}};
  auto json = render_docker_manifest(entries);
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(*json,
            R"([{"Config":"blobs/sha256/c","Layers":["blobs/sha256/l"],)"
            R"("RepoTags":["mkata.local/app:1.2.3"]}])");
  auto back = parse_docker_manifest(*json);
  ASSERT_TRUE(back) << back.error().message();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front().config, "blobs/sha256/c");
  EXPECT_EQ(back->front().repo_tags, entries[0].repo_tags);
  EXPECT_EQ(back->front().layers, entries[0].layers);
  EXPECT_FALSE(parse_docker_manifest(R"([{"Layers":[]}])"));
}

}  // namespace mkata::image
