// mkata install: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> install_command(const CommandArgs&) {
  return fail(Error("install: not implemented yet"));
}

}  // namespace mkata::cli
