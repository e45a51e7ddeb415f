// mkata uninstall: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> uninstall_command(const CommandArgs&) {
  return fail(Error("uninstall: not implemented yet"));
}

}  // namespace mkata::cli
