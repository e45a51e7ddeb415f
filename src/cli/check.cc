// mkata check: parse, probe the host through one root ("/" or a fixture tree given with --root),
// judge every runtime, print text or JSON. Exit 1 only when a --require'd runtime is unusable.
#include <cstdio>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "host/check_report.h"
#include "host/chosen_tool.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "node/config_schema_facts.h"

namespace mkata::cli {

Result<int> check_command(const CommandArgs& args) {
  std::vector<std::string> required;
  bool json = false;
  std::string root;
  ArgParser parser("check", "Host preflight: can runc, crun, gvisor and kata run here, and why not.");
  parser.repeated("require", &required, "RT", "exit 1 unless this runtime is usable (repeatable)");
  parser.choices("require", {"runc", "crun", "gvisor", "kata"});
  parser.flag("json", &json, "print the facts and verdicts as JSON (schema: docs/check.md)");
  parser.option("root", &root, "DIR", "read a fixture tree instead of this host (for tests)");
  std::string runsc_flag;
  parser.option("runsc", &runsc_flag, "PATH",
                "judge gVisor (and its platform) for this runsc program instead of the one "
                "found in the system directories");
  auto parsed = parser.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;

  std::unique_ptr<host::HostRoot> host_root;
  if (root.empty()) {
    host_root = host::live_host();
  } else {
    auto fixture = host::fixture_host(root);
    if (!fixture) return fail(fixture.error().wrap("check"));
    host_root = std::move(*fixture);
  }
  // Checked before the probes run: a mistyped --runsc is a usage error, not a verdict.
  std::optional<host::ToolInfo> runsc;
  if (!runsc_flag.empty()) {
    auto chosen = host::tool_named_by_flag("--runsc", "runsc", runsc_flag);
    if (!chosen) return fail(usage_error("check", chosen.error().message()));
    runsc = *chosen;
  }
  auto facts = host::probe_host(*host_root);
  if (!facts) return fail(facts.error().wrap("check"));
  if (runsc) host::use_tool(*facts, "runsc", *runsc);
  facts->containerd_config = node::judge_containerd_config(root.empty() ? "/" : root);
  auto verdicts = host::judge_runtimes(*facts);
  std::string out = json ? host::render_check_json(*facts, verdicts)
                         : host::render_check_text(*facts, verdicts);
  std::fputs(out.c_str(), stdout);
  for (const auto& name : required) {
    if (!verdicts.at(name).usable) return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace mkata::cli
