// See image_push.h.
#include "image/image_push.h"

#include "core/process.h"
#include "core/strings.h"

namespace mkata::image {

std::string pushed_reference(const BuiltImage& image, const std::string& repository) {
  std::string repo = repository;
  while (!repo.empty() && repo.back() == '/') repo.pop_back();
  return repo + "/" + image.name + ":" + image_tag();
}

std::vector<std::string> skopeo_copy_argv(const BuiltImage& image, const PushOptions& options) {
  std::vector<std::string> argv = {options.skopeo, "copy", "--quiet"};
  if (options.insecure) argv.push_back("--dest-tls-verify=false");
  argv.push_back("oci-archive:" + image.archive_path);
  argv.push_back("docker://" + pushed_reference(image, options.repository));
  return argv;
}

Result<std::vector<std::string>> push_images(const std::vector<BuiltImage>& images,
                                             const PushOptions& options) {
  std::vector<std::string> pushed;
  for (const auto& image : images) {
    std::string reference = pushed_reference(image, options.repository);
    RunOptions run_options;
    run_options.timeout = std::chrono::minutes(5);
    auto r = run(skopeo_copy_argv(image, options), run_options);
    if (!r) return fail(r.error().wrap("push " + reference));
    if (!r->ok()) return fail("push " + reference + ": skopeo: " + r->describe());
    pushed.push_back(reference);
  }
  return pushed;
}

}  // namespace mkata::image
