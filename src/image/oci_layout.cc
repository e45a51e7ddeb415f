#include "image/oci_layout.h"

#include "image/digest.h"
#include "image/gzip.h"
#include "image/tar_writer.h"

namespace mkata::image {

namespace {

Result<Descriptor> describe(const std::string& media_type, const std::string& blob) {
  auto digest = sha256_digest(blob);
  if (!digest) return fail(digest.error());
  return Descriptor{.media_type = media_type,
                    .digest = *digest,
                    .size = blob.size(),
                    .annotations = {},
                    .platform_os = {},
                    .platform_architecture = {}};
}

std::string blob_path(const Descriptor& d) { return "blobs/sha256/" + d.digest.substr(7); }

Result<void> add_blob(TarWriter& tar, const Descriptor& d, std::string blob) {
  return tar.add_file(blob_path(d), std::move(blob), 0644);
}

}  // namespace

Result<OciArchive> build_oci_archive(const ImageSpec& spec) {
  auto wrap = [&](const Error& e) { return fail(e.wrap("build OCI archive " + spec.reference)); };
  if (spec.reference.empty()) return fail("build OCI archive: empty image reference");
  OciArchive out;
  auto diff_id = sha256_digest(spec.layer_tar);
  if (!diff_id) return wrap(diff_id.error());
  out.diff_id = *diff_id;
  auto layer_gz = gzip_compress(spec.layer_tar);
  if (!layer_gz) return wrap(layer_gz.error());
  auto layer = describe(kMediaTypeLayerGzip, *layer_gz);
  if (!layer) return wrap(layer.error());
  out.layer = *layer;

  ImageConfig config = spec.config;
  config.diff_ids = {out.diff_id};
  auto config_json = render_image_config(config);
  if (!config_json) return wrap(config_json.error());
  auto config_desc = describe(kMediaTypeConfig, *config_json);
  if (!config_desc) return wrap(config_desc.error());
  out.config = *config_desc;

  auto manifest_json = render_manifest(Manifest{.config = out.config, .layers = {out.layer}});
  if (!manifest_json) return wrap(manifest_json.error());
  auto manifest = describe(kMediaTypeManifest, *manifest_json);
  if (!manifest) return wrap(manifest.error());
  out.manifest = *manifest;
  out.manifest.annotations = {{kAnnotationContainerdName, spec.reference},
                              {kAnnotationRefName, spec.tag}};
  out.manifest.platform_os = config.os;
  out.manifest.platform_architecture = config.architecture;
  out.compressed_size = out.layer.size + out.config.size + out.manifest.size;

  auto index_json = render_index({out.manifest});
  if (!index_json) return wrap(index_json.error());
  auto docker_manifest = render_docker_manifest({{.config = blob_path(out.config),
                                                  .repo_tags = {spec.reference},
                                                  .layers = {blob_path(out.layer)}}});
  if (!docker_manifest) return wrap(docker_manifest.error());
  TarWriter tar;
  for (auto r : {add_blob(tar, out.layer, std::move(*layer_gz)),
                 add_blob(tar, out.config, std::move(*config_json)),
                 add_blob(tar, out.manifest, std::move(*manifest_json)),
                 tar.add_file("index.json", std::move(*index_json), 0644),
                 tar.add_file("manifest.json", std::move(*docker_manifest), 0644),
                 tar.add_file("oci-layout", render_oci_layout(), 0644)}) {
    if (!r) return wrap(r.error());
  }
  auto bytes = tar.finish();
  if (!bytes) return wrap(bytes.error());
  out.bytes = std::move(*bytes);
  return out;
}

}  // namespace mkata::image
