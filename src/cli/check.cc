// mkata check: parse, probe the host through one root ("/" or a fixture tree given with --root),
// judge every runtime, print text or JSON. Exit 1 only when a --require'd runtime is unusable.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "host/check_report.h"
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
  auto facts = host::probe_host(*host_root);
  if (!facts) return fail(facts.error().wrap("check"));
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
