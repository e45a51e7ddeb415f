// mkata uninstall: parse the flags, call node::uninstall_runtimes, print what it did.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "node/installer.h"

namespace mkata::cli {

void declare_node_flags(ArgParser& p, node::InstallRequest& r, bool install);

Result<int> uninstall_command(const CommandArgs& args) {
  node::InstallRequest request;
  ArgParser p("uninstall",
              "Remove exactly the blocks mkata install added (edits outside them are kept), "
              "restart, and prove the handlers are gone.");
  declare_node_flags(p, request, false);
  auto parsed = p.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (request.runtimes.empty()) {
    return fail(
        usage_error("uninstall", "--runtime is required (accepted: runc, crun, gvisor, kata)"));
  }
  auto lines = node::uninstall_runtimes(request, node::real_node_hooks());
  if (!lines) return fail(lines.error());
  for (const auto& line : *lines) std::printf("%s%s", line.c_str(), line.ends_with('\n') ? "" : "\n");
  return kExitOk;
}

}  // namespace mkata::cli
