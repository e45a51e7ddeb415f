#include "image/image_push.h"

#include <gtest/gtest.h>

namespace mkata::image {
namespace {

TEST(ImagePush, SkopeoCopiesTheArchiveAsItIs) {
  BuiltImage image;
  image.name = "helloworld";
  image.archive_path = "/tmp/images/helloworld.oci.tar";
  PushOptions options{"registry.example.com/mkata/", false, "skopeo"};
  EXPECT_EQ(pushed_reference(image, options.repository),
            "registry.example.com/mkata/helloworld:" + image_tag());
  EXPECT_EQ(skopeo_copy_argv(image, options),
            (std::vector<std::string>{
                "skopeo", "copy", "--quiet", "oci-archive:/tmp/images/helloworld.oci.tar",
                "docker://registry.example.com/mkata/helloworld:" + image_tag()}));
  options.insecure = true;
  options.repository = "127.0.0.1:5000/lab";
  auto argv = skopeo_copy_argv(image, options);
  EXPECT_EQ(argv[3], "--dest-tls-verify=false");
  EXPECT_EQ(argv.back(), "docker://127.0.0.1:5000/lab/helloworld:" + image_tag());
}

TEST(ImagePush, AFailedPushNamesTheReference) {
  BuiltImage image;
  image.name = "helloworld";
  image.archive_path = "/nonexistent/helloworld.oci.tar";
  auto r = push_images({image}, {"127.0.0.1:1/mkata", true, "false"});  // `false` exits 1
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "push 127.0.0.1:1/mkata/helloworld:" + image_tag() + ": skopeo: exit 1");
}

}  // namespace
}  // namespace mkata::image
