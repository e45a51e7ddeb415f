// See build_paths.h. MKATA_SOURCE_DIR and MKATA_BINARY_DIR are defined for this file only
// (src/core/CMakeLists.txt).
#include "core/build_paths.h"

namespace mkata {

std::string source_path(std::string_view rel) { return MKATA_SOURCE_DIR + std::string(rel); }
std::string binary_path(std::string_view rel) { return MKATA_BINARY_DIR + std::string(rel); }

}  // namespace mkata
