// UTF-8 validity for names that come from outside (archive entries, paths). nlohmann::json
// throws type_error 316 when it serialises a string that is not valid UTF-8, and a terminal
// interprets raw control bytes, so a name that will be recorded as JSON is checked first, and a
// name that goes into an error message is shown escaped.
#pragma once

#include <string>
#include <string_view>

namespace mkata {

/// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF) — the same rule nlohmann::json's serialiser applies.
bool is_valid_utf8(std::string_view text);

/// text for a message: each byte of an invalid UTF-8 sequence and each ASCII control character
/// is shown as \xNN, so that the result is valid UTF-8 and safe on a terminal; valid text
/// without control characters is returned as it is.
std::string printable(std::string_view text);

}  // namespace mkata
