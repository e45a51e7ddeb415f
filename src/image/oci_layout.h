// One OCI image as an image-layout archive (the format `ctr images import`, `skopeo copy
// oci-archive:` and `podman load` read): a tar holding `oci-layout`, `index.json` and
// `blobs/sha256/<hex>` for the gzip'd layer, the config and the manifest. The same tar also
// carries Docker's `manifest.json`, naming the same config and layer blobs by path, because
// `docker load` before Engine 25 reads only that file (20.10 fails on a bare layout with
// "open …/blobs/json"); containerd and Podman read the OCI layout and ignore it. This is the
// shape `docker save` itself writes since Engine 25, so every engine loads one archive.
//
// Everything is built in memory (our images are a few MiB) and every step is deterministic: the
// layer tar and the outer tar come from TarWriter (sorted, mtime 0, numeric owners), the layer is
// compressed by gzip_compress (fixed header and level), and the JSON documents have sorted keys.
// Same ImageSpec in → same archive bytes out. The config's rootfs.diff_ids holds the sha256 of
// the *uncompressed* layer; containerd recomputes it on unpack and refuses a mismatch.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "image/oci_json.h"

namespace mkata::image {

/// What goes into one single-layer image.
struct ImageSpec {
  /// Full reference, e.g. "mkata.local/helloworld:0.1.0" (index.json's io.containerd.image.name).
  std::string reference;
  /// The tag alone, e.g. "0.1.0" (index.json's org.opencontainers.image.ref.name).
  std::string tag;
  /// The config (entrypoint, user, env, ports); diff_ids is filled in by build_oci_archive.
  ImageConfig config;
  /// The uncompressed layer tar (see TarWriter).
  std::string layer_tar;
};

/// The archive and the facts a user or a test needs about it.
struct OciArchive {
  std::string bytes;    ///< the image-layout tar
  Descriptor manifest;  ///< what index.json points at (its digest is the image's)
  Descriptor config;
  Descriptor layer;     ///< the gzip'd layer blob
  std::string diff_id;  ///< sha256 of the uncompressed layer
  /// Sum of the blob sizes (layer + config + manifest): what a registry stores and pulls.
  uint64_t compressed_size = 0;
};

/// Builds the archive for spec. Fails only on an invalid spec (empty reference, a layer path
/// TarWriter refuses) or a library failure; errors start with "build OCI archive <reference>".
Result<OciArchive> build_oci_archive(const ImageSpec& spec);

}  // namespace mkata::image
