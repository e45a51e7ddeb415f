// mkata images: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> images_command(const CommandArgs&) {
  return fail(Error("images: not implemented yet"));
}

}  // namespace mkata::cli
