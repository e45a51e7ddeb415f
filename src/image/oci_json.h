// The JSON documents of an OCI image (image-spec v1.0): the image config, the manifest, the
// index and the oci-layout marker — rendered from plain values and parsed back into the few
// fields mkata checks. nlohmann::json is confined to this file (it throws; we return Results).
//
// Determinism: objects are nlohmann's default std::map, so keys come out sorted; output is
// compact (no whitespace); arrays keep the order of the values given. The same ImageConfig thus
// always renders to the same bytes, and therefore the same digest.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::image {

inline constexpr char kMediaTypeIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kMediaTypeManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kMediaTypeConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kMediaTypeLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
/// The annotation containerd's import uses as the image name (without it nothing is created).
inline constexpr char kAnnotationContainerdName[] = "io.containerd.image.name";
/// The OCI annotation naming a manifest inside a layout (skopeo's oci-archive:FILE:REF).
inline constexpr char kAnnotationRefName[] = "org.opencontainers.image.ref.name";

/// A content descriptor (a pointer to a blob).
struct Descriptor {
  std::string media_type;
  std::string digest;  ///< "sha256:<hex>"
  uint64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<std::string> platform_os, platform_architecture;
  bool operator==(const Descriptor&) const = default;
};

/// What mkata puts in (and reads back from) an image config.
struct ImageConfig {
  std::string architecture = "amd64";
  std::string os = "linux";
  /// Fixed: a build time would break reproducibility.
  std::string created = "1970-01-01T00:00:00Z";
  std::vector<std::string> entrypoint;
  std::vector<std::string> env;
  std::string user;
  std::string working_dir = "/";
  std::string stop_signal = "SIGTERM";
  std::vector<std::string> exposed_ports;  ///< e.g. "8080/tcp"; empty renders no ExposedPorts
  std::vector<std::string> diff_ids;       ///< sha256 of each *uncompressed* layer tar
  std::vector<std::string> history;        ///< one created_by line per layer
  bool operator==(const ImageConfig&) const = default;
};

/// A manifest: one config and its layers.
struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;
};

Result<std::string> render_image_config(const ImageConfig& config);
Result<std::string> render_manifest(const Manifest& manifest);
/// index.json listing the given manifest descriptors.
Result<std::string> render_index(const std::vector<Descriptor>& manifests);
/// The oci-layout file: {"imageLayoutVersion":"1.0.0"}.
std::string render_oci_layout();

/// One entry of Docker's `manifest.json` (the format `docker save` writes and `docker load`
/// reads): paths inside the archive, not descriptors.
struct DockerManifestEntry {
  std::string config;                  ///< e.g. "blobs/sha256/<hex>"
  std::vector<std::string> repo_tags;  ///< e.g. "mkata.local/helloworld:0.1.0"
  std::vector<std::string> layers;     ///< one path per layer, in order
};
/// manifest.json: a JSON array of entries with the keys Config, RepoTags, Layers.
Result<std::string> render_docker_manifest(const std::vector<DockerManifestEntry>& entries);
/// Parses manifest.json back (for tests and `images` checks). Error: "parse docker manifest: …".
Result<std::vector<DockerManifestEntry>> parse_docker_manifest(const std::string& json);

/// Parsers for documents read back from an archive or from containerd's content store. Errors
/// name the document and the problem: "parse image config: <what>".
Result<ImageConfig> parse_image_config(const std::string& json);
Result<Manifest> parse_manifest(const std::string& json);
Result<std::vector<Descriptor>> parse_index(const std::string& json);

}  // namespace mkata::image
