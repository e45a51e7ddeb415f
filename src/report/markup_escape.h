// Escaping outside text (pod answers, error messages, versions, node names) for the XML and HTML
// reports. Every such string may hold markup, quotes, control characters or bytes that are not
// UTF-8 (a workload's answer is whatever it sent). XML 1.0 forbids most control characters even
// as character references, so a consumer's parser would reject the whole JUnit file over one byte
// of evidence: those characters, and each byte of an invalid UTF-8 sequence, are shown as "\xNN"
// (the form of core/utf8.h's printable()) instead; tab and newline are kept.
#pragma once

#include <string>
#include <string_view>

namespace mkata::report {

/// text made safe to place between XML or HTML tags: '&', '<', '>' escaped; characters XML 1.0
/// forbids (U+0000–U+001F but tab, LF, CR; U+FFFE, U+FFFF), DEL and invalid UTF-8 bytes shown
/// as "\xNN" (U+FFFE/U+FFFF as "\uFFFE"/"\uFFFF"). CR becomes "&#13;" so it survives parsing.
std::string markup_text(std::string_view text);

/// text made safe inside a double- or single-quoted XML/HTML attribute: as markup_text, and
/// '"', '\'' escaped; tab, LF and CR as character references, so that attribute-value
/// normalisation keeps them.
std::string markup_attribute(std::string_view text);

}  // namespace mkata::report
