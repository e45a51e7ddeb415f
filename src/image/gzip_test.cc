#include "image/gzip.h"

#include <gtest/gtest.h>

namespace mkata::image {

TEST(Gzip, HeaderIsFixed) {
  auto gz = gzip_compress("hello\n");
  ASSERT_TRUE(gz) << gz.error().message();
  ASSERT_GE(gz->size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b);
  EXPECT_EQ((*gz)[2], 8);                             // deflate
  EXPECT_EQ((*gz)[3], 0);                             // flags: no name, no comment, no extra
  EXPECT_EQ(gz->substr(4, 4), std::string(4, '\0'));  // mtime 0
  EXPECT_EQ((*gz)[9], 3);                             // OS = Unix
}

TEST(Gzip, DeterministicAndRoundTrips) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += std::to_string(i * 7919 % 1000) + ",";
  auto a = gzip_compress(data);
  auto b = gzip_compress(data);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_LT(a->size(), data.size());
  auto back = gzip_decompress(*a);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, data);
}

TEST(Gzip, EmptyInput) {
  auto gz = gzip_compress("");
  ASSERT_TRUE(gz);
  EXPECT_EQ(*gzip_decompress(*gz), "");
}

TEST(Gzip, TruncatedStreamIsAnError) {
  auto gz = gzip_compress(std::string(10000, 'x') + "tail");
  ASSERT_TRUE(gz);
  auto back = gzip_decompress(gz->substr(0, gz->size() / 2));
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().message(), "gunzip: truncated stream");
}

}  // namespace mkata::image
