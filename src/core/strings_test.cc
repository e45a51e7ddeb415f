#include "core/strings.h"
#include "core/timestamp.h"

#include <gtest/gtest.h>

namespace mkata {

TEST(Strings, SplitKeepsEmptyFields) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Strings, TrimAndJoin) {
  EXPECT_EQ(trim("  x y \n"), "x y");
  EXPECT_EQ(trim(" \t"), "");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(Strings, Affixes) {
  EXPECT_TRUE(starts_with("containerd", "contain"));
  EXPECT_FALSE(starts_with("c", "contain"));
  EXPECT_TRUE(ends_with("x.toml", ".toml"));
}

TEST(Timestamp, Rfc3339Utc) {
  std::string t = utc_now();
  ASSERT_EQ(t.size(), 20u) << t;
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], 'Z');
}

TEST(Strings, EscapeControlKeepsOneLine) {
  EXPECT_EQ(escape_control("kata"), "kata");
  EXPECT_EQ(escape_control("ka\nta\t\r\x1b[31m\x7f"), "ka\\nta\\t\\r\\x1b[31m\\x7f");
  EXPECT_EQ(escape_control("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays as it is
}

}  // namespace mkata
