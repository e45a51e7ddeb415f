// Marker lines and byte-exact block edits (see block_text.h). The scan is lexical TOML, only as
// deep as needed to know whether a line starts inside a multi-line string: comments, basic and
// literal strings (which end at their line) and the two multi-line string forms.
#include "node/block_text.h"

#include <algorithm>

#include "core/strings.h"

namespace mkata::node {

namespace {

constexpr std::string_view kBegin = "# BEGIN mkata ";
constexpr std::string_view kEnd = "# END mkata ";

struct Line {
  size_t begin, end;  // end excludes the '\n'
  bool has_newline;
  bool in_string;  // the line starts inside a multi-line string: it is data, never a marker
  std::string_view text;
};

enum class Lexer { kNormal, kMultiBasic, kMultiLiteral };

bool at(std::string_view text, size_t i, std::string_view what) {
  return text.substr(i, what.size()) == what;
}

// Advances the lexer over one line [i, end) of text.
Lexer scan_line(std::string_view text, size_t i, size_t end, Lexer state) {
  while (i < end) {
    char c = text[i];
    if (state == Lexer::kNormal) {
      if (c == '#') return state;  // a comment runs to the end of the line
      if (at(text, i, "\"\"\"")) {
        state = Lexer::kMultiBasic;
        i += 3;
      } else if (at(text, i, "'''")) {
        state = Lexer::kMultiLiteral;
        i += 3;
      } else if (c == '"' || c == '\'') {  // a one-line string: ends at its quote or the line
        for (++i; i < end && text[i] != c; ++i) {
          if (c == '"' && text[i] == '\\') ++i;
        }
        ++i;
      } else {
        ++i;
      }
    } else {
      std::string_view close = state == Lexer::kMultiBasic ? "\"\"\"" : "'''";
      if (state == Lexer::kMultiBasic && c == '\\') {
        i += 2;
      } else if (at(text, i, close)) {
        i += 3;
        // Up to two more quotes belong to the string (TOML: `"""a""""` is `a"`).
        for (int extra = 0; extra < 2 && i < end && text[i] == close[0]; ++extra) ++i;
        state = Lexer::kNormal;
      } else {
        ++i;
      }
    }
  }
  return state;
}

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  Lexer state = Lexer::kNormal;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    bool in_string = state != Lexer::kNormal;
    state = scan_line(text, pos, end, state);
    lines.push_back({pos, end, nl != std::string::npos, in_string, text.substr(pos, end - pos)});
    pos = end + 1;
  }
  return lines;
}

// The label of a BEGIN line: the words after "# BEGIN mkata " up to " (" or the end.
std::optional<std::string> begin_label(const Line& line) {
  if (line.in_string) return std::nullopt;
  std::string t = trim(line.text);
  if (!starts_with(t, kBegin)) return std::nullopt;
  std::string rest = t.substr(kBegin.size());
  size_t paren = rest.find(" (");
  return trim(paren == std::string::npos ? rest : rest.substr(0, paren));
}

bool is_end_of(const Line& line, const std::string& label) {
  return !line.in_string && trim(line.text) == std::string(kEnd) + label;
}

// "\r\n" line endings in place of "\n" ones, where the text uses them.
std::string in_line_endings(const std::string& block, std::string_view eol) {
  if (eol == "\n") return block;
  std::string out;
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i] == '\n' && (i == 0 || block[i - 1] != '\r')) out += '\r';
    out += block[i];
  }
  return out;
}

std::string with_lf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

}  // namespace

std::string block_begin_line(const std::string& label, const std::string& note) {
  return std::string(kBegin) + label + (note.empty() ? "" : " (" + note + ")");
}

std::string block_end_line(const std::string& label) { return std::string(kEnd) + label; }

std::string render_block(const std::string& label, const std::string& note,
                         const std::string& content) {
  return block_begin_line(label, note) + "\n" + content + block_end_line(label) + "\n";
}

std::string_view line_ending_of(std::string_view text) {
  size_t nl = text.find('\n');
  return nl != std::string::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

BlockLocation locate_block(std::string_view text, const std::string& label) {
  auto lines = lines_of(text);
  BlockLocation found;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (begin_label(lines[i]) != label) continue;
    if (found.status == BlockLocation::Status::kFound) {
      found.status = BlockLocation::Status::kTwice;
      return found;
    }
    size_t j = i + 1;
    while (j < lines.size() && !is_end_of(lines[j], label)) ++j;
    if (j == lines.size()) {
      found.status = BlockLocation::Status::kNoEnd;
      found.begin_line = i + 1;
      return found;
    }
    BlockSpan span;
    span.begin = lines[i].begin;
    span.end = lines[j].has_newline ? lines[j].end + 1 : lines[j].end;
    span.begin_line = std::string(trim(lines[i].text));
    size_t content_begin = lines[i].end + 1;
    span.content = with_lf(
        text.substr(content_begin, std::max(content_begin, lines[j].begin) - content_begin));
    // A block appended to a file without a final line ending brought one with it: "\n", or
    // "\r\n" when the text before it uses CRLF (the rule append_block() applied).
    if (!lines[j].has_newline && span.begin > 0 && text[span.begin - 1] == '\n') {
      std::string_view before = text.substr(0, span.begin - 1);
      if (line_ending_of(before) == "\r\n" && !before.empty() && before.back() == '\r') {
        span.begin -= 2;
      } else {
        span.begin -= 1;
      }
    }
    found.status = BlockLocation::Status::kFound;
    found.span = std::move(span);
    i = j;
  }
  return found;
}

std::vector<std::string> block_labels(std::string_view text) {
  std::vector<std::string> labels;
  for (const auto& line : lines_of(text)) {
    if (auto label = begin_label(line)) labels.push_back(*label);
  }
  return labels;
}

std::string append_block(const std::string& text, const std::string& block) {
  std::string_view eol = line_ending_of(text);
  std::string b = in_line_endings(block, eol);
  if (text.empty() || text.back() == '\n') return text + b;
  if (ends_with(b, eol)) b.resize(b.size() - eol.size());
  return text + std::string(eol) + b;
}

std::string insert_block(const std::string& text, size_t at_offset, const std::string& block) {
  return text.substr(0, at_offset) + in_line_endings(block, line_ending_of(text)) +
         text.substr(at_offset);
}

std::string replace_block(const std::string& text, const BlockSpan& span,
                          const std::string& block) {
  std::string before = text.substr(0, span.begin);
  std::string after = text.substr(span.end);
  if (after.empty()) return append_block(before, block);
  return before + in_line_endings(block, line_ending_of(text)) + after;
}

std::string remove_block(const std::string& text, const BlockSpan& span) {
  return text.substr(0, span.begin) + text.substr(span.end);
}

std::string unwrap_block(const std::string& text, const BlockSpan& span) {
  // Keep the line ending that an appended block brought (it now ends the user's last line).
  size_t marker = span.begin;
  while (marker < span.end && (text[marker] == '\r' || text[marker] == '\n')) ++marker;
  return text.substr(0, marker) + in_line_endings(span.content, line_ending_of(text)) +
         text.substr(span.end);
}

std::string strip_blocks(const std::string& text) {
  std::string out = text;
  for (const auto& label : block_labels(text)) {
    auto found = locate_block(out, label);
    if (found.status == BlockLocation::Status::kFound) out = remove_block(out, found.span);
  }
  return out;
}

}  // namespace mkata::node
