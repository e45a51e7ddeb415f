// mkata node: placeholder until its issue lands; fails loudly rather than pretending.
#include "cli/commands.h"

namespace mkata::cli {

Result<int> node_command(const CommandArgs&) {
  return fail(Error("node: not implemented yet"));
}

}  // namespace mkata::cli
