#include "core/utf8.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace mkata {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("opt/kata/bin/containerd-shim-kata-v2"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
}

TEST(Utf8, RefusesWhatJsonWouldThrowOn) {
  EXPECT_FALSE(is_valid_utf8("opt/kata/bin/\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
}

TEST(Utf8, PrintableEscapesInvalidBytesAndControls) {
  EXPECT_EQ(printable("opt/kata/bin/x"), "opt/kata/bin/x");
  EXPECT_EQ(printable("opt/kata/\xff\xfe"), "opt/kata/\\xff\\xfe");
  EXPECT_EQ(printable("a\nb\x1b[31m"), "a\\x0ab\\x1b[31m");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_TRUE(is_valid_utf8(printable("\xc3\x28\xa0\xa1")));
}

// The property the callers rely on: is_valid_utf8 is exactly "nlohmann's dump() will not throw".
TEST(Utf8, AgreesWithNlohmannOnRandomBytes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 8), byte(0, 255);
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    for (int n = len(rng); n > 0; --n) s += static_cast<char>(byte(rng));
    bool throws = false;
    try {
      (void)nlohmann::json(s).dump();
    } catch (const nlohmann::json::type_error&) {
      throws = true;
    }
    ASSERT_EQ(is_valid_utf8(s), !throws) << nlohmann::json(printable(s)).dump();
    ASSERT_TRUE(is_valid_utf8(printable(s)));
  }
}

}  // namespace

TEST(Utf8, PrintableKeepsMessagesOnOneLine) {
  EXPECT_EQ(printable("kata"), "kata");
  EXPECT_EQ(printable("ka\nta\t\r\x1b[31m\x7f"), "ka\\x0ata\\x09\\x0d\\x1b[31m\\x7f");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays as it is
}

}  // namespace mkata
