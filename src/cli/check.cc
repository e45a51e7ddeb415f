// mkata check: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> check_command(const CommandArgs&) {
  return fail(Error("check: not implemented yet"));
}

}  // namespace mkata::cli
