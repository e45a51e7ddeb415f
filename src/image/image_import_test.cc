#include "image/image_import.h"

#include <gtest/gtest.h>

namespace mkata::image {

namespace {
ImportOptions at(const std::string& address) {
  ImportOptions options;
  options.address = address;
  return options;
}
}  // namespace

TEST(ImageImport, ParsesCtrImagesLs) {
  std::string text =
      "REF                              TYPE                                       DIGEST   "
      "                                                                 SIZE    PLATFORMS   "
      "LABELS \n"
      "mkata.local/pause:0.1.0 application/vnd.oci.image.manifest.v1+json sha256:abc 750.1 KiB "
      "linux/amd64 -      \n";
  auto images = parse_ctr_images_ls(text);
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].first, "mkata.local/pause:0.1.0");
  EXPECT_EQ(images[0].second, "sha256:abc");
  EXPECT_TRUE(parse_ctr_images_ls("REF TYPE DIGEST SIZE PLATFORMS LABELS\n").empty());
}

TEST(ImageImport, MissingSocketIsAnEnvironmentError) {
  auto imported = import_images(at("/nonexistent/containerd.sock"), {});
  ASSERT_FALSE(imported);
  EXPECT_EQ(imported.error().message(),
            "import images: containerd socket /nonexistent/containerd.sock not found: is "
            "containerd running?");
  EXPECT_EQ(imported.error().hint(),
            "MicroK8s's containerd listens on /var/snap/microk8s/common/run/containerd.sock");
  EXPECT_EQ(imported.error().kind(), ErrorKind::kEnvironment);
}

TEST(ImageImport, RegularFileIsNotASocket) {
  auto imported = import_images(at("/etc/hostname"), {});
  ASSERT_FALSE(imported);
  EXPECT_EQ(imported.error().message(),
            "import images: containerd socket /etc/hostname not found: is containerd running?");
}

}  // namespace mkata::image
