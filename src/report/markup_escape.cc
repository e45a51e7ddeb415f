// See markup_escape.h. The rules are the same for XML and HTML: HTML's parser accepts what XML's
// does, and the reports put outside text only in element content and quoted attributes.
#include "report/markup_escape.h"

#include <cstdint>
#include <cstdio>

#include "core/utf8.h"

namespace mkata::report {
namespace {

std::string hex_byte(uint8_t c) {
  char hex[5];
  std::snprintf(hex, sizeof hex, "\\x%02x", c);
  return hex;
}

// The length of the UTF-8 sequence a lead byte announces (0: not a lead byte).
size_t announced_length(uint8_t lead) {
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 0;
}

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<uint8_t>(text[i]);
    if (c >= 0x80) {
      size_t n = announced_length(c);
      if (n == 0 || i + n > text.size() || !is_valid_utf8(text.substr(i, n))) {
        out += hex_byte(c);
        ++i;
        continue;
      }
      auto sequence = text.substr(i, n);
      if (sequence == "\xef\xbf\xbe" || sequence == "\xef\xbf\xbf") {
        out += sequence[2] == '\xbe' ? "\\uFFFE" : "\\uFFFF";
      } else {
        out.append(sequence);
      }
      i += n;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&#39;" : "'";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += hex_byte(c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string markup_text(std::string_view text) { return escape(text, false); }

std::string markup_attribute(std::string_view text) { return escape(text, true); }

}  // namespace mkata::report
