// Marker-delimited blocks in text files (see managed_block.h): the errors of a broken block. The
// scan itself is in block_text.cc.
#include "node/managed_block.h"

namespace mkata::node {

Result<std::optional<BlockSpan>> find_block(const std::string& text, const std::string& label,
                                            const std::string& source) {
  BlockLocation found = locate_block(text, label);
  switch (found.status) {
    case BlockLocation::Status::kAbsent:
      return std::optional<BlockSpan>();
    case BlockLocation::Status::kFound:
      return std::optional<BlockSpan>(std::move(found.span));
    case BlockLocation::Status::kTwice:
      return fail(source + ": the mkata block '" + label +
                  "' appears twice; delete one of them by hand (from its BEGIN to its END line)");
    case BlockLocation::Status::kNoEnd:
      break;
  }
  return fail(source + ": the mkata block '" + label + "' has a BEGIN line (line " +
              std::to_string(found.begin_line) + ") but no '" + block_end_line(label) +
              "' line; restore it or delete the block by hand");
}

}  // namespace mkata::node
