// See scratch_images.h.
#include "image/scratch_images.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>

namespace mkata::image {
namespace {

void remove_tree(const std::string& dir) {
  std::error_code ec;
  if (!dir.empty()) std::filesystem::remove_all(dir, ec);
}

}  // namespace

Result<ScratchImages> ScratchImages::build(const std::string& workload_dir) {
  std::string dir = "/tmp/mkata-images-XXXXXX";
  if (!mkdtemp(dir.data())) return fail(Error::from_errno("create " + dir, errno));
  auto built = build_image_set({workload_dir, dir});
  if (!built) {
    remove_tree(dir);
    return fail(built.error());
  }
  return ScratchImages(dir, std::move(*built));
}

ScratchImages::ScratchImages(ScratchImages&& other) noexcept
    : dir_(std::exchange(other.dir_, "")), images_(std::move(other.images_)) {}

ScratchImages::~ScratchImages() { remove_tree(dir_); }

}  // namespace mkata::image
