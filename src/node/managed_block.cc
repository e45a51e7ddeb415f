// Marker-delimited blocks in text files (see managed_block.h).
#include "node/managed_block.h"

#include "core/strings.h"

namespace mkata::node {

namespace {

constexpr std::string_view kBegin = "# BEGIN mkata ";
constexpr std::string_view kEnd = "# END mkata ";

struct Line {
  size_t begin, end;  // end excludes the '\n'
  bool has_newline;
  std::string_view text;
};

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    lines.push_back({pos, end, nl != std::string::npos, std::string_view(text).substr(pos, end - pos)});
    pos = end + 1;
  }
  return lines;
}

// The label of a BEGIN line: the words after "# BEGIN mkata " up to " (" or the end.
std::optional<std::string> begin_label(std::string_view line) {
  std::string t = trim(line);
  if (!starts_with(t, kBegin)) return std::nullopt;
  std::string rest = t.substr(kBegin.size());
  size_t paren = rest.find(" (");
  return trim(paren == std::string::npos ? rest : rest.substr(0, paren));
}

bool is_end_of(std::string_view line, const std::string& label) {
  return trim(line) == std::string(kEnd) + label;
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

Result<std::optional<BlockSpan>> find_block(const std::string& text, const std::string& label,
                                            const std::string& source) {
  auto lines = lines_of(text);
  std::optional<BlockSpan> found;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (begin_label(lines[i].text) != label) continue;
    if (found) {
      return fail(source + ": the mkata block '" + label +
                  "' appears twice; delete one of them by hand (from its BEGIN to its END line)");
    }
    size_t j = i + 1;
    while (j < lines.size() && !is_end_of(lines[j].text, label)) ++j;
    if (j == lines.size()) {
      return fail(source + ": the mkata block '" + label + "' has a BEGIN line (line " +
                  std::to_string(i + 1) + ") but no '" + block_end_line(label) +
                  "' line; restore it or delete the block by hand");
    }
    BlockSpan span;
    span.begin = lines[i].begin;
    span.end = lines[j].has_newline ? lines[j].end + 1 : lines[j].end;
    span.begin_line = std::string(lines[i].text);
    size_t content_begin = lines[i].end + 1;
    span.content = text.substr(content_begin, std::max(content_begin, lines[j].begin) - content_begin);
    // A block appended to a file without a final newline brought that newline with it.
    if (!lines[j].has_newline && span.begin > 0 && text[span.begin - 1] == '\n') --span.begin;
    found = span;
    i = j;
  }
  return found;
}

std::vector<std::string> block_labels(const std::string& text) {
  std::vector<std::string> labels;
  for (const auto& line : lines_of(text)) {
    if (auto label = begin_label(line.text)) labels.push_back(*label);
  }
  return labels;
}

std::string append_block(const std::string& text, const std::string& block) {
  if (text.empty() || text.back() == '\n') return text + block;
  return text + "\n" + block.substr(0, block.size() - (ends_with(block, "\n") ? 1 : 0));
}

std::string insert_block(const std::string& text, size_t at, const std::string& block) {
  return text.substr(0, at) + block + text.substr(at);
}

std::string replace_block(const std::string& text, const BlockSpan& span,
                          const std::string& block) {
  std::string before = text.substr(0, span.begin);
  std::string after = text.substr(span.end);
  if (after.empty()) return append_block(before, block);
  return before + block + after;
}

std::string remove_block(const std::string& text, const BlockSpan& span) {
  return text.substr(0, span.begin) + text.substr(span.end);
}

std::string strip_blocks(const std::string& text) {
  std::string out = text;
  for (const auto& label : block_labels(text)) {
    auto span = find_block(out, label, "");
    if (span && *span) out = remove_block(out, **span);
  }
  return out;
}

}  // namespace mkata::node
