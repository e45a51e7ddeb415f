// The three sample images mkata builds and imports: helloworld, autoscale and pause. Each is a
// single layer holding the workload's static binary at /<name>, /etc/passwd and /etc/group with
// the non-root user `nonroot` (65532:65532, distroless's convention), its home directory, and
// /tmp (1777). The config runs /<name> as 65532:65532; the two servers expose 8080/tcp with
// PORT=8080. pause does not listen, so it advertises no port.
//
// Names: "mkata.local/<name>:<mkata version>". The ".local" registry says plainly that no
// registry serves these (nothing is ever pulled: CRI finds them already imported), and a version
// tag rather than ":latest" keeps Kubernetes' default imagePullPolicy at IfNotPresent (":latest"
// would mean Always, and a pull that must fail).
//
// This is the API the embedded node and validate use: build_image_set() to produce the
// archives, read_image_set() to describe archives built earlier, image_reference() for the names
// (pause_image_reference() is the CRI sandbox_image).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "image/oci_layout.h"

namespace mkata::image {

inline constexpr char kImageRegistry[] = "mkata.local";
/// The non-root user every image runs as (numeric, so no passwd lookup is needed at runtime).
inline constexpr char kImageUser[] = "65532:65532";
inline constexpr uint32_t kImageUid = 65532;
inline constexpr int kWorkloadPort = 8080;

/// "mkata.local/<name>:<version>", e.g. image_reference("pause") for containerd's sandbox_image.
std::string image_reference(const std::string& name);
std::string pause_image_reference();
/// The tag alone (mkata's version), the org.opencontainers.image.ref.name annotation.
std::string image_tag();
/// "<name>.oci.tar".
std::string archive_file_name(const std::string& name);

/// Inputs of build_image_set().
struct ImageSetOptions {
  /// Directory holding the helloworld, autoscale and pause binaries; empty: the lookup of
  /// workload_binaries.h. Either way all three must be there (find_workload_dir).
  std::string workload_dir;
  /// Where the archives are written (created if missing).
  std::string out_dir = "images";
};

/// One archive on disk and what identifies it.
struct BuiltImage {
  std::string name;             ///< "helloworld"
  std::string reference;        ///< "mkata.local/helloworld:0.1.0"
  std::string archive_path;     ///< "<out_dir>/helloworld.oci.tar"
  std::string manifest_digest;  ///< the image digest containerd reports after import
  std::string config_digest;
  uint64_t archive_size = 0;     ///< bytes of the .oci.tar file
  uint64_t compressed_size = 0;  ///< layer (gzip) + config + manifest bytes
  ImageConfig config;
};

/// The spec of the image for one workload binary (bytes = the static executable). No I/O.
Result<ImageSpec> workload_image_spec(const std::string& name, const std::string& binary);

/// Builds the three archives from the binaries and writes them atomically to out_dir. Same
/// binaries → byte-identical archives. Errors: "build images: <what>", naming the image when one
/// fails ("build images: helloworld: ...").
Result<std::vector<BuiltImage>> build_image_set(const ImageSetOptions& options);

/// Describes the three archives already in dir (reads index.json, the manifest and the config of
/// each). Error when one is missing or malformed: "read image archive <path>: ...".
Result<std::vector<BuiltImage>> read_image_set(const std::string& dir);

/// Describes one archive file (name from the file name "<name>.oci.tar").
Result<BuiltImage> read_image_archive(const std::string& path);

/// Describes an archive's bytes (name and archive_path left empty). Untrusted input: any
/// malformed tar, JSON, digest or missing blob is an error value, never a crash.
Result<BuiltImage> parse_image_archive(const std::string& bytes);

}  // namespace mkata::image
