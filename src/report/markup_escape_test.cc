#include "report/markup_escape.h"

#include <gtest/gtest.h>

namespace mkata::report {
namespace {

TEST(MarkupEscape, EscapesMarkupAndQuotesByContext) {
  EXPECT_EQ(markup_text("a<b>&\"'"), "a&lt;b&gt;&amp;\"'");
  EXPECT_EQ(markup_attribute("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(markup_text("l1\nl2\tx\r"), "l1\nl2\tx&#13;");
  EXPECT_EQ(markup_attribute("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
}

TEST(MarkupEscape, ShowsWhatXmlForbidsInsteadOfEmittingIt) {
  EXPECT_EQ(markup_text(std::string("\x00\x01\x1b[0m\x7f", 7)), "\\x00\\x01\\x1b[0m\\x7f");
  EXPECT_EQ(markup_text("\xef\xbf\xbe|\xef\xbf\xbf"), "\\uFFFE|\\uFFFF");
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  EXPECT_EQ(markup_text("\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80"),
            "\\x80|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80");
  EXPECT_EQ(markup_text("gVisor ✅ 𝄞 é"), "gVisor ✅ 𝄞 é");
}

}  // namespace
}  // namespace mkata::report
