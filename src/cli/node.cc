// mkata node up|down|status: the embedded node (src/embedded/). `up` starts a private containerd
// with one handler per runtime `mkata check` judges usable and returns, leaving it running;
// `down` removes every pod, stops containerd and undoes every host change in the ledger;
// `status` shows the handlers, pods and versions.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/files.h"
#include "core/progress.h"
#include "core/strings.h"
#include "embedded/containerd_program.h"
#include "embedded/embedded_node.h"
#include "embedded/handler_choice.h"
#include "embedded/ledger.h"
#include "embedded/node_lock.h"
#include "embedded/node_teardown.h"
#include "host/chosen_tool.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"

namespace mkata::cli {
namespace {

using embedded::EmbeddedNode;
using embedded::NodeOptions;

Result<int> node_up(const NodeOptions& options, const std::string& workloads,
                    const embedded::ContainerdProgram& containerd, const host::ToolInfo& runsc) {
  if (EmbeddedNode::running(options)) {
    std::printf("node already running in %s\n", options.state_dir.c_str());
    return kExitOk;
  }
  Progress progress;
  progress.step("checking the host");
  auto facts = host::probe_host(*host::live_host());
  if (!facts) return fail(facts.error().wrap("node up"));
  if (runsc.installed()) host::use_tool(*facts, "runsc", runsc);
  host::use_tool(*facts, "containerd", {containerd.path, containerd.version, ""});
  auto verdicts = host::judge_runtimes(*facts);
  std::map<std::string, std::string> unavailable;
  auto layout = embedded::NodeLayout::of(options);
  auto handlers = embedded::choose_handlers(*facts, verdicts, layout, &unavailable);
  if (handlers.empty()) {
    return fail(Error("node up: no runtime is usable on this host")
                    .with_hint("run 'mkata check' to see why each runtime is not usable"));
  }
  progress.step("starting the embedded node in " + options.state_dir);
  auto node = EmbeddedNode::up({options, handlers, workloads, containerd}, progress);
  if (!node) return fail(node.error());
  node->detach();
  const auto& d = node->description();
  std::printf("node up in %s: containerd %s (%s, config schema v%d) pid %d, socket %s\n",
              d.state_dir.c_str(), d.containerd_version.c_str(), d.containerd.c_str(),
              d.config_schema, static_cast<int>(d.containerd_pid), d.address.c_str());
  for (const auto& h : d.handlers) {
    std::printf("  handler %-7s %s %s%s\n", h.handler.name.c_str(), h.handler.runtime_type.c_str(),
                h.handler.option("BinaryName").value_or("").c_str(),
                h.platform.empty()
                    ? ""
                    : (" (runsc " + h.runsc + ", platform " + h.platform + ")").c_str());
  }
  for (const char* rt : host::kRuntimeNames) {
    if (d.handler_for(rt)) continue;
    std::string why = unavailable.count(rt) ? unavailable[rt] : join(verdicts[rt].reasons, "; ");
    std::printf("  no handler for %s: %s\n", rt, why.c_str());
  }
  return kExitOk;
}

Result<int> node_down(const NodeOptions& options) {
  auto layout = embedded::NodeLayout::of(options);
  // Only a node's directory gets a lock file: a directory without a ledger is never touched.
  std::optional<embedded::NodeLock> lock;
  if (embedded::Ledger(layout.ledger).exists()) {
    auto held = embedded::NodeLock::acquire(layout);
    if (!held) return fail(held.error().wrap("node down"));
    lock.emplace(std::move(*held));
  }
  auto summary = embedded::teardown_node(layout);
  if (!summary) return fail(summary.error());
  if (!summary->was_running) {
    std::printf("no node in %s: nothing to do\n", options.state_dir.c_str());
    return kExitOk;
  }
  std::printf("node down in %s: %d pods removed through CRI\n", options.state_dir.c_str(),
              summary->pods_removed);
  for (const auto& f : summary->forced) std::printf("  cleaned up: %s\n", f.c_str());
  return kExitOk;
}

Result<int> node_status(const NodeOptions& options, bool json_output) {
  nlohmann::json j = {{"state_dir", options.state_dir}, {"running", false}};
  auto node = EmbeddedNode::attach(options);
  if (node) {
    const auto& d = node->description();
    j["running"] = true;
    j["containerd_pid"] = d.containerd_pid;
    j["address"] = d.address;
    j["network"] = {{"name", d.network_name}, {"bridge", d.bridge}, {"subnet", d.subnet}};
    if (auto v = node->cri().version()) j["containerd_version"] = v->runtime_version;
    if (!d.containerd.empty()) {
      j["containerd"] = d.containerd;
      j["config_schema"] = d.config_schema;
    }
    j["handlers"] = nlohmann::json::array();
    for (const auto& h : d.handlers) {
      nlohmann::json entry = {{"runtime", h.runtime},
                              {"handler", h.handler.name},
                              {"runtime_type", h.handler.runtime_type},
                              {"binary", h.handler.option("BinaryName").value_or("")}};
      if (!h.platform.empty()) entry["platform"] = h.platform;
      if (!h.runsc.empty()) entry["runsc"] = h.runsc;
      j["handlers"].push_back(entry);
    }
    j["pods"] = nlohmann::json::array();
    if (auto pods = node->cri().list_pods()) {
      for (const auto& p : *pods) {
        j["pods"].push_back({{"id", p.id},
                             {"name", p.name},
                             {"handler", p.runtime_handler},
                             {"state", cri::to_string(p.state)}});
      }
    }
    j["images"] = d.images;
    nlohmann::json versions = nlohmann::json::object();
    if (auto facts = host::probe_host(*host::live_host())) {
      for (const char* tool : {"containerd", "runc", "crun", "runsc", "containerd-shim-kata-v2"}) {
        const auto& t = facts->tools.get(tool);
        versions[tool] = t.installed() ? t.version : "not installed";
      }
    }
    j["versions"] = versions;
  } else if (embedded::Ledger(embedded::NodeLayout::of(options).ledger).exists()) {
    j["stale"] =
        "containerd is not running but the ledger lists host changes; run "
        "'mkata node down --state-dir " +
        options.state_dir + "'";
  }
  if (json_output) {
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  if (!j["running"].get<bool>()) {
    std::printf("no node running in %s\n", options.state_dir.c_str());
    if (j.contains("stale")) std::printf("  %s\n", j["stale"].get<std::string>().c_str());
    return kExitOk;
  }
  std::printf("node running in %s (containerd %s, pid %d)\n", options.state_dir.c_str(),
              j.value("containerd_version", "?").c_str(), j["containerd_pid"].get<int>());
  for (const auto& h : j["handlers"]) {
    std::printf("  handler %-7s %s %s\n", h["handler"].get<std::string>().c_str(),
                h["runtime_type"].get<std::string>().c_str(),
                h["binary"].get<std::string>().c_str());
  }
  for (const auto& [tool, version] : j["versions"].items()) {
    std::printf("  version %-24s %s\n", tool.c_str(), version.get<std::string>().c_str());
  }
  std::printf("  %zu pods\n", j["pods"].size());
  for (const auto& p : j["pods"]) {
    std::printf("  pod %s %s (%s) %s\n", p["id"].get<std::string>().substr(0, 12).c_str(),
                p["name"].get<std::string>().c_str(), p["handler"].get<std::string>().c_str(),
                p["state"].get<std::string>().c_str());
  }
  return kExitOk;
}

// What `mkata node <sub> --help` says about the subcommand named in args, if one is.
std::string summary_for(const CommandArgs& args) {
  static const std::vector<std::string> kValued = {
      "--state-dir", "--network", "--bridge", "--subnet", "--workloads", "--containerd", "--runsc"};
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_value =
        i > 0 && std::find(kValued.begin(), kValued.end(), args[i - 1]) != kValued.end();
    if (is_value) continue;
    if (args[i] == "up") {
      return "node up: start the embedded node in the state dir: a private containerd with CNI and "
             "one handler per runtime 'mkata check' judges usable. It keeps running after mkata "
             "exits; 'mkata node down' stops it. Uses --state-dir, --network, --bridge, --subnet, "
             "--workloads, --containerd, --runsc (see docs/node.md).";
    }
    if (args[i] == "down") {
      return "node down: remove the node's pods through CRI, stop its containerd and undo every "
             "host change its ledger records (also after a crash). Uses --state-dir (see "
             "docs/node.md).";
    }
    if (args[i] == "status") {
      return "node status: show whether the node in the state dir runs, its containerd, handlers, "
             "pods and versions; --json prints one JSON document (docs/json.md). Uses "
             "--state-dir, --json.";
    }
  }
  return "the embedded node: up, down, status (see docs/node.md); 'mkata node up --help' "
         "describes one";
}

}  // namespace

Result<int> node_command(const CommandArgs& args) {
  ArgParser parser("node", summary_for(args));
  std::vector<std::string> positionals;
  NodeOptions options;
  std::string workloads;
  bool json_output = false;
  parser.positionals(&positionals, "up|down|status");
  parser.option(
      "state-dir", &options.state_dir, "DIR",
      std::string("where the node keeps everything (default ") + embedded::kDefaultStateDir + ")");
  parser.option("network", &options.network_name, "NAME", "CNI network name (default mkata)");
  parser.option("bridge", &options.bridge, "NAME", "bridge interface (default mkata0)");
  parser.option("subnet", &options.subnet, "CIDR",
                "pod subnet inside 100.64.0.0/10 (default 100.64.100.0/24)");
  parser.option("workloads", &workloads, "DIR", "directory of the workload binaries (up)");
  std::string containerd_flag, runsc_flag;
  parser.option("containerd", &containerd_flag, "PATH",
                "the containerd program the node runs, e.g. containerd 1.7 or 2.x unpacked "
                "elsewhere; its own directory's shims are used and the config is rendered for "
                "its schema (up; default: containerd on PATH)");
  parser.option("runsc", &runsc_flag, "PATH",
                "the runsc program the gvisor handler runs, on the fastest platform it has "
                "(up; default: the runsc mkata check finds)");
  parser.flag("json", &json_output, "machine-readable output (status)");
  auto go = parser.parse(args);
  if (!go) return fail(go.error());
  if (!*go) return kExitOk;
  if (positionals.size() != 1) {
    return fail(usage_error("node", "expected one of up, down, status"));
  }
  if (auto r = options.validate(); !r) return fail(usage_error("node", r.error().message()));
  const std::string& action = positionals[0];
  if (action != "up") {
    for (const auto& [flag, value] :
         {std::pair{"--containerd", containerd_flag}, {"--runsc", runsc_flag}}) {
      if (!value.empty()) {
        return fail(usage_error(
            "node", std::string(flag) + " is for 'node up' (the action is " + action + ")"));
      }
    }
  }
  if (action == "up") {
    // Plan, then act: both programs are checked before the node touches anything.
    auto containerd = embedded::choose_containerd(containerd_flag);
    if (!containerd) return fail(usage_error("node", containerd.error().message()));
    host::ToolInfo runsc;
    if (!runsc_flag.empty()) {
      auto chosen = host::tool_named_by_flag("--runsc", "runsc", runsc_flag);
      if (!chosen) return fail(usage_error("node", chosen.error().message()));
      runsc = *chosen;
    }
    return node_up(options, workloads, *containerd, runsc);
  }
  if (action == "down") return node_down(options);
  if (action == "status") return node_status(options, json_output);
  return fail(usage_error("node", "invalid action '" + action + "' (accepted: up, down, status)"));
}

}  // namespace mkata::cli
