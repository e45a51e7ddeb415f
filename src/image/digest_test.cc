#include "image/digest.h"

#include <gtest/gtest.h>

namespace mkata::image {

TEST(Digest, KnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(*sha256_digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(*sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(*sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Digest, Validation) {
  std::string good = *sha256_digest("x");
  EXPECT_TRUE(is_sha256_digest(good));
  EXPECT_FALSE(is_sha256_digest(good.substr(0, good.size() - 1)));
  EXPECT_FALSE(is_sha256_digest("sha512:" + good.substr(7)));
  std::string upper = good;
  upper.back() = 'A';
  EXPECT_FALSE(is_sha256_digest(upper));
  EXPECT_EQ(digest_hex(good), good.substr(7));
  EXPECT_EQ(digest_hex("abc"), "abc");
}

}  // namespace mkata::image
