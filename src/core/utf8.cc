// See utf8.h. A small decoder rather than a library: the rule is short and must match
// nlohmann::json's strict one exactly.
#include "core/utf8.h"

#include <cstdint>
#include <cstdio>

namespace mkata {
namespace {

// The length of the valid UTF-8 sequence starting at text[i], or 0 when it is invalid.
size_t sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t n = 0;
  uint32_t min = 0, cp = 0;
  if ((lead & 0xe0) == 0xc0) {
    n = 2, min = 0x80, cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    n = 3, min = 0x800, cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    n = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;  // a continuation byte, or 0xf8..0xff
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = sequence_length(text, i);
    auto c = static_cast<uint8_t>(text[i]);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f))) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace mkata
