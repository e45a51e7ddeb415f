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

TEST(Strings, JoinOr) {
  EXPECT_EQ(join_or({}), "");
  EXPECT_EQ(join_or({"kata"}), "kata");
  EXPECT_EQ(join_or({"gvisor", "runsc"}), "gvisor or runsc");
  EXPECT_EQ(join_or({"a", "b", "c"}), "a, b or c");
}

TEST(Strings, RandomHexIsHexOfTheLengthAsked) {
  auto a = random_hex(40), b = random_hex(40);
  EXPECT_EQ(a.size(), 40u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
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

}  // namespace mkata
