// libFuzzer target for the XML/HTML escaping of outside text (markup_escape.h): whatever the
// bytes, the output is valid UTF-8 with no character XML 1.0 forbids, no raw '<' or '>', every
// '&' starts one of the entities the escaper writes, and an attribute value holds no raw quote,
// tab or newline. Built with clang++ on markup_escape.cc and core/utf8.cc only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "report/markup_escape.h"

namespace {

void check(const std::string& out, bool attribute) {
  if (!mkata::is_valid_utf8(out)) std::abort();
  static constexpr std::string_view kEntities[] = {"&amp;", "&lt;",  "&gt;",  "&quot;",
                                                   "&#39;", "&#13;", "&#10;", "&#9;"};
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c == '<' || c == '>' || c == 0x7f) std::abort();
    if (c < 0x20 && !(c == '\n' || c == '\t')) std::abort();
    if (attribute && (c == '"' || c == '\'' || c == '\n' || c == '\t')) std::abort();
    if (c == '&') {
      bool known = false;
      for (auto e : kEntities) known = known || std::string_view(out).substr(i, e.size()) == e;
      if (!known) std::abort();
    }
    if (out.compare(i, 3, "\xef\xbf\xbe") == 0 || out.compare(i, 3, "\xef\xbf\xbf") == 0) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(mkata::report::markup_text(input), false);
  check(mkata::report::markup_attribute(input), true);
  return 0;
}
