#include "image/image_import.h"

#include <sys/stat.h>

#include <sstream>

#include "core/process.h"
#include "core/strings.h"

namespace mkata::image {

namespace {

std::vector<std::string> ctr_base(const ImportOptions& o) {
  return {o.ctr, "--address", o.address, "--namespace", o.ns};
}

Result<void> import_one(const ImportOptions& o, const BuiltImage& image) {
  auto argv = ctr_base(o);
  argv.insert(argv.end(), {"images", "import"});
  if (!o.snapshotter.empty()) argv.insert(argv.end(), {"--snapshotter", o.snapshotter});
  argv.push_back(image.archive_path);
  RunOptions run_options;
  run_options.timeout = std::chrono::minutes(5);
  auto out = run_checked(argv, run_options);
  if (!out) return fail(out.error().wrap("import " + image.archive_path));
  return {};
}

}  // namespace

Result<void> check_containerd_socket(const std::string& address) {
  struct stat st {};
  if (address.empty() || stat(address.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return fail(Error("containerd socket " + address + " not found: is containerd running?")
                    .with_hint(std::string("MicroK8s's containerd listens on ") +
                               kMicroK8sContainerdSocket));
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> parse_ctr_images_ls(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> images;
  std::istringstream lines(text);
  std::string line;
  bool header = true;
  while (std::getline(lines, line)) {
    if (header) {  // "REF TYPE DIGEST SIZE PLATFORMS LABELS"
      header = false;
      if (starts_with(line, "REF")) continue;
    }
    std::istringstream fields(line);
    std::string ref, type, digest;
    if (fields >> ref >> type >> digest) images.emplace_back(ref, digest);
  }
  return images;
}

Result<std::vector<ImportedImage>> import_images(const ImportOptions& options,
                                                 const std::vector<BuiltImage>& images) {
  auto wrap = [](const Error& e) { return fail(e.wrap("import images")); };
  if (auto ok = check_containerd_socket(options.address); !ok) return wrap(ok.error());
  if (!find_executable(options.ctr)) {
    return wrap(Error("program " + options.ctr + " not found (Debian package: containerd)"));
  }
  for (const auto& image : images) {
    if (auto ok = import_one(options, image); !ok) return wrap(ok.error());
  }
  auto argv = ctr_base(options);
  argv.insert(argv.end(), {"images", "ls"});
  auto listing = run_checked(argv);
  if (!listing) return wrap(listing.error().wrap("list images"));
  auto listed = parse_ctr_images_ls(*listing);
  std::vector<ImportedImage> imported;
  for (const auto& image : images) {
    const std::string* digest = nullptr;
    for (const auto& [ref, d] : listed) {
      if (ref == image.reference) digest = &d;
    }
    if (!digest) {
      return wrap(
          Error(image.reference + " is not listed in namespace " + options.ns + " after import"));
    }
    if (*digest != image.manifest_digest) {
      return wrap(Error(image.reference + " has digest " + *digest + ", expected " +
                        image.manifest_digest));
    }
    imported.push_back({image.name, image.reference, *digest});
  }
  return imported;
}

}  // namespace mkata::image
