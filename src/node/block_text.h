// The text-level core of mkata's managed blocks (managed_block.h has the concept): scanning a file
// for marker lines, and adding, replacing and removing blocks byte-exactly. It is kept apart, and
// free of Result/<expected>, so that the libFuzzer target (block_text_fuzz.cc) can build it with
// clang-14, which cannot read libstdc++ 12's <expected>.
//
// Three rules make the scan safe on any file a user may have:
// - A marker is a whole line outside TOML multi-line strings: a line inside a `"""` or `'''`
//   string is data, even when it reads "# BEGIN mkata ...".
// - CRLF files stay CRLF: a block added to a file whose first line ends in "\r\n" gets "\r\n"
//   line endings; a block's `content` is always reported with "\n".
// - Byte-exact round trip: appending to a file whose last line has no line ending adds one before
//   the block and leaves the END line without one; removal undoes exactly that.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mkata::node {

/// Where a block sits in a text: [begin, end) is exactly the bytes to remove.
struct BlockSpan {
  size_t begin = 0;
  size_t end = 0;
  std::string content;     ///< the lines between the markers, each ending in "\n"
  std::string begin_line;  ///< the BEGIN marker line, without its line ending
};

/// The result of looking for one label.
struct BlockLocation {
  enum class Status { kAbsent, kFound, kTwice, kNoEnd };
  Status status = Status::kAbsent;
  BlockSpan span;         ///< kFound
  size_t begin_line = 0;  ///< kNoEnd: the 1-based line of the BEGIN marker
};

/// The BEGIN marker line for a label (e.g. "runtime kata") and a note shown in parentheses.
std::string block_begin_line(const std::string& label, const std::string& note);
/// The END marker line for a label.
std::string block_end_line(const std::string& label);

/// The whole block text: BEGIN line, content (lines ending in '\n'), END line, each with '\n'.
std::string render_block(const std::string& label, const std::string& note,
                         const std::string& content);

/// Finds the block with this label (see BlockLocation).
BlockLocation locate_block(std::string_view text, const std::string& label);

/// Labels of every mkata BEGIN marker in the text, in order.
std::vector<std::string> block_labels(std::string_view text);

/// "\r\n" when the text's first line ends in "\r\n", else "\n".
std::string_view line_ending_of(std::string_view text);

/// Appends a rendered block at the end of the text (see the byte-exact rule above).
std::string append_block(const std::string& text, const std::string& block);

/// Inserts a rendered block at byte offset `at`, which must be the start of a line.
std::string insert_block(const std::string& text, size_t at, const std::string& block);

/// Replaces the block at `span` with another rendered block (same position).
std::string replace_block(const std::string& text, const BlockSpan& span, const std::string& block);

/// Removes the block at `span`.
std::string remove_block(const std::string& text, const BlockSpan& span);

/// Replaces the block at `span` by its content, without the markers: what mkata wrote becomes
/// the user's (in the text's line endings).
std::string unwrap_block(const std::string& text, const BlockSpan& span);

/// The text with every mkata block removed (what the user wrote).
std::string strip_blocks(const std::string& text);

}  // namespace mkata::node
