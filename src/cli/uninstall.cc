// mkata uninstall: parse the flags, call node::uninstall_runtimes, print what it did. With
// --purge, the runtime's files that mkata installed (install --from) are removed afterwards,
// from its manifest (src/artifacts/install_manifest.h).
#include <cstdio>

#include "artifacts/install_manifest.h"
#include "artifacts/installed_runtime.h"
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
  bool purge = false;
  std::string manifest_dir = artifacts::kDefaultManifestDir;
  p.flag("purge", &purge, "also remove the runtime's files that mkata install --from placed");
  p.option("manifest-dir", &manifest_dir, "DIR",
           "where the install manifests live (default /var/lib/mkata/manifests)");
  auto parsed = p.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (request.runtimes.empty()) {
    return fail(
        usage_error("uninstall", "--runtime is required (accepted: runc, crun, gvisor, kata)"));
  }
  if (purge) {
    for (const auto& rt : request.runtimes) {
      if (rt != "kata" && rt != "gvisor") {
        return fail(usage_error("uninstall", "--purge with --runtime " + rt +
                                                 ": mkata installs no files for it (accepted: "
                                                 "kata, gvisor)"));
      }
    }
  }
  auto lines = node::uninstall_runtimes(request, node::real_node_hooks());
  if (!lines) return fail(lines.error());
  for (const auto& line : *lines) std::printf("%s%s", line.c_str(), line.ends_with('\n') ? "" : "\n");
  if (request.dry_run) return kExitOk;
  for (const auto& rt : request.runtimes) {
    std::string manifest = artifacts::manifest_path_for(rt, manifest_dir);
    if (purge) {
      std::fflush(stdout);
      auto purged = artifacts::purge_runtime(rt, manifest);
      if (!purged) return fail(purged.error());
      std::fputs(artifacts::render_purge_summary(*purged).c_str(), stdout);
      continue;
    }
    auto kept = artifacts::load_manifest(manifest);
    if (kept && *kept) {
      std::printf("%s files kept in %s (mkata uninstall --runtime %s --purge removes them)\n",
                  rt.c_str(), (*kept)->prefix.c_str(), rt.c_str());
    }
  }
  return kExitOk;
}

}  // namespace mkata::cli
