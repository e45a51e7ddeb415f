#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace mkata {

Progress::Progress(bool force) : enabled_(force || isatty(STDERR_FILENO)) {}

void Progress::step(const std::string& text) {
  if (enabled_) std::fprintf(stderr, "==> %s\n", text.c_str());
}

void Progress::detail(const std::string& text) {
  if (enabled_) std::fprintf(stderr, "    %s\n", text.c_str());
}

}  // namespace mkata
