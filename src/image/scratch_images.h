// The image archives built for one run only (validate's Docker, Podman and cluster targets load,
// push or import them, then have no use for them): built into a private directory
// /tmp/mkata-images-XXXXXX that is removed with everything in it when the object goes away.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "image/image_set.h"

namespace mkata::image {

class ScratchImages {
 public:
  /// Builds the image set (build_image_set) into a new private directory. Errors: the
  /// directory cannot be made, or the build's error.
  static Result<ScratchImages> build(const std::string& workload_dir);
  ScratchImages(ScratchImages&& other) noexcept;
  ScratchImages& operator=(ScratchImages&&) = delete;
  ScratchImages(const ScratchImages&) = delete;
  ScratchImages& operator=(const ScratchImages&) = delete;
  ~ScratchImages();

  const std::vector<BuiltImage>& images() const { return images_; }

 private:
  ScratchImages(std::string dir, std::vector<BuiltImage> images)
      : dir_(std::move(dir)), images_(std::move(images)) {}
  std::string dir_;  ///< "" once moved from
  std::vector<BuiltImage> images_;
};

}  // namespace mkata::image
