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
// block and leaves the END line without one; removal undoes exactly that. Markers inside TOML
// multi-line strings are data, not blocks, and CRLF files keep CRLF (block_text.h, the
// expected-free text core that the fuzz target builds).
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "node/block_text.h"

namespace mkata::node {

/// Finds the block with this label. nullopt when absent. Error when the markers are broken
/// (BEGIN without END, or the label twice): "<source>: ..." with what to fix by hand.
Result<std::optional<BlockSpan>> find_block(const std::string& text, const std::string& label,
                                            const std::string& source);

}  // namespace mkata::node
