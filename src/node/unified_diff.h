// A unified diff of two texts, for `mkata install --dry-run`: the user sees exactly the lines
// that would change, in the format of `diff -u`, without any file being touched. Line-based, in
// linear space (Myers' middle-snake algorithm: a 15 MiB file costs a few times its size, not the
// square of its line count); three lines of context.
#pragma once

#include <string>

namespace mkata::node {

/// The unified diff from `before` to `after` with headers "--- <from_label>" / "+++ <to_label>";
/// "" when the texts are equal. A missing final newline is marked like diff does.
std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& from_label, const std::string& to_label);

}  // namespace mkata::node
