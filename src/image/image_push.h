// Pushing the image archives to a registry, for clusters whose nodes pull (`validate --target
// kube --registry REPO`): skopeo (Debian's) copies each OCI archive as it is — same manifest, same
// digest — to REPO/<name>:<tag>, so `--image-prefix REPO/` then names exactly what was built.
// No docker daemon is involved. Run from argv, never a shell.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "image/image_set.h"

namespace mkata::image {

/// Where to push.
struct PushOptions {
  std::string repository;  ///< "registry.example.com/mkata" (a trailing '/' is allowed)
  bool insecure = false;   ///< plain HTTP / unverified TLS (a loopback or lab registry)
  std::string skopeo = "skopeo";
};

/// REPO/<name>:<tag> for an image ("registry.example.com/mkata/helloworld:0.1.0").
std::string pushed_reference(const BuiltImage& image, const std::string& repository);

/// The skopeo command line that copies one archive.
std::vector<std::string> skopeo_copy_argv(const BuiltImage& image, const PushOptions& options);

/// Pushes every image; returns the pushed references in order. Error: "push <reference>:
/// skopeo: exit 1: <its last line>" (the first failure; the rest are not tried).
Result<std::vector<std::string>> push_images(const std::vector<BuiltImage>& images,
                                             const PushOptions& options);

}  // namespace mkata::image
