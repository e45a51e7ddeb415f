// mkata's edits to a user's file are marked blocks of whole lines:
//
//   # BEGIN mkata runtime kata (managed by mkata; remove with: mkata uninstall --runtime kata)
//   ...
//   # END mkata runtime kata
//
// so that uninstall removes exactly what install added and nothing the user wrote, and a reader
// of the file knows who put it there and how to take it out. Blocks are found by their marker
// lines only, never by their content: a user who edits inside a block gets it replaced, a user
// who edits outside keeps every byte.
//
// Byte-exact round trip: appending to a file whose last line has no newline adds "\n" before the
// block and leaves the END line without one; removal undoes exactly that.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::node {

/// Where a block sits in a text: [begin, end) is exactly the bytes to remove.
struct BlockSpan {
  size_t begin = 0;
  size_t end = 0;
  std::string content;  ///< the lines between the markers (each with its '\n')
  std::string begin_line;  ///< the BEGIN marker line, without '\n'
};

/// The BEGIN marker line for a label (e.g. "runtime kata") and a note shown in parentheses.
std::string block_begin_line(const std::string& label, const std::string& note);
/// The END marker line for a label.
std::string block_end_line(const std::string& label);

/// The whole block text: BEGIN line, content (lines ending in '\n'), END line, each with '\n'.
std::string render_block(const std::string& label, const std::string& note,
                         const std::string& content);

/// Finds the block with this label. nullopt when absent. Error when the markers are broken
/// (BEGIN without END, or the label twice): "<source>: ..." with what to fix by hand.
Result<std::optional<BlockSpan>> find_block(const std::string& text, const std::string& label,
                                            const std::string& source);

/// Labels of every mkata block in the text, in order.
std::vector<std::string> block_labels(const std::string& text);

/// Appends a rendered block at the end of the text (see the byte-exact rule above).
std::string append_block(const std::string& text, const std::string& block);

/// Inserts a rendered block at byte offset `at`, which must be the start of a line.
std::string insert_block(const std::string& text, size_t at, const std::string& block);

/// Replaces the block at `span` with another rendered block (same position).
std::string replace_block(const std::string& text, const BlockSpan& span, const std::string& block);

/// Removes the block at `span`.
std::string remove_block(const std::string& text, const BlockSpan& span);

/// The text with every mkata block removed (what the user wrote).
std::string strip_blocks(const std::string& text);

}  // namespace mkata::node
