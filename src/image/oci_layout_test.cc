#include "image/oci_layout.h"

#include <gtest/gtest.h>

#include "image/digest.h"
#include "image/gzip.h"
#include "image/tar_reader.h"
#include "image/tar_writer.h"

namespace mkata::image {

namespace {

ImageSpec sample_spec() {
  TarWriter layer;
  EXPECT_TRUE(layer.add_file("/app", "binary bytes", 0755));
  ImageSpec spec;
  spec.reference = "mkata.local/app:1.2.3";
  spec.tag = "1.2.3";
  spec.config.entrypoint = {"/app"};
  spec.config.user = "65532:65532";
  spec.layer_tar = *layer.finish();
  return spec;
}

}  // namespace

TEST(OciLayout, ArchiveHoldsLayoutIndexAndConsistentBlobs) {
  ImageSpec spec = sample_spec();
  auto archive = build_oci_archive(spec);
  ASSERT_TRUE(archive) << archive.error().message();
  auto entries = read_tar(archive->bytes);
  ASSERT_TRUE(entries) << entries.error().message();

  std::vector<std::string> paths;
  for (const auto& e : *entries) paths.push_back(e.path);
  std::vector<std::string> blobs = {
      "blobs/sha256/" + std::string(digest_hex(archive->layer.digest)),
      "blobs/sha256/" + std::string(digest_hex(archive->config.digest)),
      "blobs/sha256/" + std::string(digest_hex(archive->manifest.digest))};
  std::sort(blobs.begin(), blobs.end());
  std::vector<std::string> expected = {"blobs/", "blobs/sha256/"};
  expected.insert(expected.end(), blobs.begin(), blobs.end());
  expected.insert(expected.end(), {"index.json", "manifest.json", "oci-layout"});
  EXPECT_EQ(paths, expected);
  EXPECT_EQ(find_entry(*entries, "oci-layout")->content, R"({"imageLayoutVersion":"1.0.0"})");

  // Every blob is named by its own digest and has the size its descriptor says.
  for (const auto& e : *entries) {
    if (!e.regular || !e.path.starts_with("blobs/")) continue;
    EXPECT_EQ("blobs/sha256/" + *sha256_hex(e.content), e.path);
  }
  auto index = parse_index(find_entry(*entries, "index.json")->content);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->size(), 1u);
  EXPECT_EQ(index->front(), archive->manifest);
  EXPECT_EQ(index->front().annotations.at("io.containerd.image.name"), "mkata.local/app:1.2.3");
  EXPECT_EQ(index->front().annotations.at("org.opencontainers.image.ref.name"), "1.2.3");

  const auto* manifest_blob =
      find_entry(*entries, "blobs/sha256/" + std::string(digest_hex(archive->manifest.digest)));
  auto manifest = parse_manifest(manifest_blob->content);
  ASSERT_TRUE(manifest);
  EXPECT_EQ(manifest->config, archive->config);
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_EQ(manifest->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");

  // diff_ids is the digest of the UNCOMPRESSED layer, and the layer blob gunzips to it.
  const auto* config_blob =
      find_entry(*entries, "blobs/sha256/" + std::string(digest_hex(archive->config.digest)));
  auto config = parse_image_config(config_blob->content);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->diff_ids, std::vector<std::string>{*sha256_digest(spec.layer_tar)});
  const auto* layer_blob =
      find_entry(*entries, "blobs/sha256/" + std::string(digest_hex(archive->layer.digest)));
  EXPECT_EQ(*gzip_decompress(layer_blob->content), spec.layer_tar);
  // Docker's manifest.json names the same config and layer blobs, and the image by its reference.
  auto docker = parse_docker_manifest(find_entry(*entries, "manifest.json")->content);
  ASSERT_TRUE(docker) << docker.error().message();
  ASSERT_EQ(docker->size(), 1u);
  EXPECT_EQ(docker->front().config,
            "blobs/sha256/" + std::string(digest_hex(archive->config.digest)));
  EXPECT_EQ(docker->front().repo_tags, std::vector<std::string>{"mkata.local/app:1.2.3"});
  EXPECT_EQ(
      docker->front().layers,
      std::vector<std::string>{"blobs/sha256/" + std::string(digest_hex(archive->layer.digest))});
  EXPECT_EQ(archive->compressed_size,
            archive->layer.size + archive->config.size + archive->manifest.size);
}

TEST(OciLayout, SameSpecGivesIdenticalBytes) {
  auto a = build_oci_archive(sample_spec());
  auto b = build_oci_archive(sample_spec());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes, b->bytes);
  ImageSpec other = sample_spec();
  other.config.user = "65533:65533";
  auto c = build_oci_archive(other);
  ASSERT_TRUE(c);
  EXPECT_NE(c->manifest.digest, a->manifest.digest);
  EXPECT_EQ(c->layer.digest, a->layer.digest);
}

TEST(OciLayout, EmptyReferenceIsRefused) {
  ImageSpec spec = sample_spec();
  spec.reference.clear();
  auto archive = build_oci_archive(spec);
  ASSERT_FALSE(archive);
  EXPECT_EQ(archive.error().message(), "build OCI archive: empty image reference");
}

}  // namespace mkata::image
