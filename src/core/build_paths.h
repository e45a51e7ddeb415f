// Where this build's source and build trees are: a development build runs the adapters and
// workloads from its build tree, and the tests read their data from the source tree. The two
// directories are compiled into one translation unit only (build_paths.cc), so that every other
// object file is byte-for-byte the same whichever checkout builds it and a compiler cache hits
// across work trees.
#pragma once

#include <string>
#include <string_view>

namespace mkata {

/// The source tree's path followed by rel (which starts with '/'), e.g. "/src/node/testdata/".
std::string source_path(std::string_view rel);
/// The build tree's path followed by rel, e.g. "/adapters".
std::string binary_path(std::string_view rel);

}  // namespace mkata
