// mkata uninstall: parse the flags, call node::uninstall_runtimes, print what it did. With
// --purge, the runtime's files that mkata installed (install --from) are removed afterwards,
// from its manifest (src/artifacts/install_manifest.h).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "artifacts/install_manifest.h"
#include "artifacts/installed_runtime.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "node/installer.h"

namespace mkata::cli {

extern const char* const kNotGiven;
void declare_node_flags(ArgParser& p, node::InstallRequest& r, bool install,
                        std::string* restart_text);
Result<void> finish_node_flags(const std::string& command, const std::string& restart_text,
                               bool restart_given, node::InstallRequest& r);
void print_lines(const std::vector<std::string>& lines);
void print_report(const std::string& command, const node::InstallReport& report, bool json,
                  const std::vector<std::string>& notes_before, nlohmann::json extra);

namespace {

// Plan, then act: --purge without a manifest to purge fails before the config is edited.
Result<void> check_purgeable(const std::vector<std::string>& runtimes,
                             const std::string& manifest_dir) {
  for (const auto& rt : runtimes) {
    std::string manifest = artifacts::manifest_path_for(rt, manifest_dir);
    auto loaded = artifacts::load_manifest(manifest);
    if (!loaded) return fail(loaded.error().wrap("purge " + rt));
    if (!*loaded) {
      return fail(Error("purge " + rt + ": no manifest at " + manifest +
                        ": mkata did not install " + rt + " (nothing to purge)")
                      .with_hint("without --purge, uninstall removes only the handler"));
    }
    if ((*loaded)->runtime != rt) {
      return fail(Error("purge " + rt + ": manifest " + manifest + " is for " + (*loaded)->runtime +
                        ", not " + rt));
    }
  }
  return {};
}

}  // namespace

Result<int> uninstall_command(const CommandArgs& args) {
  node::InstallRequest request;
  ArgParser p("uninstall",
              "Remove exactly the blocks mkata install added (edits outside them are kept), "
              "restart, and prove the handlers are gone.");
  std::string restart_text = kNotGiven;
  declare_node_flags(p, request, false, &restart_text);
  bool purge = false;
  std::string manifest_dir = artifacts::kDefaultManifestDir;
  p.flag("purge", &purge, "also remove the runtime's files that mkata install --from placed");
  p.option("manifest-dir", &manifest_dir, "DIR",
           "where the install manifests live (default /var/lib/mkata/manifests)");
  bool json = false;
  p.flag("json", &json, "print what happened as one JSON document on stdout (docs/json.md)");
  auto parsed = p.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (request.runtimes.empty()) {
    return fail(
        usage_error("uninstall", "--runtime is required (accepted: runc, crun, gvisor, kata)"));
  }
  if (auto ok = finish_node_flags("uninstall", restart_text, restart_text != kNotGiven, request);
      !ok) {
    return fail(ok.error());
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
  if (purge) {
    if (auto ok = check_purgeable(request.runtimes, manifest_dir); !ok) return fail(ok.error());
  }
  auto report = node::uninstall_runtimes(request, node::real_node_hooks());
  if (!report) return fail(report.error());
  std::vector<std::string> notes;
  nlohmann::json purged_files = nlohmann::json::array();
  for (const auto& rt : request.runtimes) {
    if (request.dry_run) break;
    std::string manifest = artifacts::manifest_path_for(rt, manifest_dir);
    if (purge) {
      auto purged = artifacts::purge_runtime(rt, manifest);
      if (!purged) {
        print_lines(report->notes);
        return fail(purged.error());
      }
      notes.push_back(artifacts::render_purge_summary(*purged));
      purged_files.push_back(rt);
      continue;
    }
    auto kept = artifacts::load_manifest(manifest);
    if (kept && *kept) {
      notes.push_back(rt + " files kept in " + (*kept)->prefix + " (mkata uninstall --runtime " +
                      rt + " --purge removes them)");
    }
  }
  report->notes.insert(report->notes.end(), notes.begin(), notes.end());
  print_report("uninstall", *report, json, {}, {{"purged", purged_files}});
  return kExitOk;
}

}  // namespace mkata::cli
