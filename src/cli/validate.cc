// mkata validate: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> validate_command(const CommandArgs&) {
  return fail(Error("validate: not implemented yet"));
}

}  // namespace mkata::cli
