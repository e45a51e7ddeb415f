// See handler_choice.h.
#include "embedded/handler_choice.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/build_paths.h"
#include "core/process.h"
#include "core/strings.h"
#include "node/runtime_plan.h"

namespace mkata::embedded {
namespace {

std::vector<std::string> adapter_dirs() {
  return node::adapter_search_dirs(node::self_executable());
}

void runc_like_options(node::RuntimeHandler& h, const NodeLayout& layout) {
  h.options.push_back({"Root", layout.runtime_root(h.name)});
  h.options.push_back({"SystemdCgroup", false});
}

std::string tool_path(const host::HostFacts& facts, const std::string& tool) {
  const auto& info = facts.tools.get(tool);
  return info.installed() ? info.path : tool;
}

Result<std::string> adapter(const std::string& runtime, const std::string& name) {
  if (auto path = find_adapter(name)) return *path;
  return fail(runtime + " needs the adapter '" + name + "': not found in " +
              join(adapter_dirs(), ", "));
}

}  // namespace

std::optional<std::string> find_adapter(const std::string& name) {
  for (const auto& dir : adapter_dirs()) {
    std::string path = dir + "/" + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return std::nullopt;
}

Result<NodeHandler> handler_for_runtime(const std::string& runtime, const host::HostFacts& facts,
                                        const NodeLayout& layout) {
  if (runtime == "runc") {
    auto h = node::runc_handler("runc", tool_path(facts, "runc"));
    runc_like_options(h, layout);
    return NodeHandler{runtime, h};
  }
  if (runtime == "crun") {
    std::string binary = tool_path(facts, "crun");
    if (facts.cgroups.layout == "hybrid" && !facts.cgroups.cgroup2_controllers.empty()) {
      auto a = adapter("crun", node::kCrunAdapterName);
      if (!a) return fail(a.error());
      binary = *a;
    }
    auto h = node::crun_handler("crun", binary);
    runc_like_options(h, layout);
    return NodeHandler{runtime, h};
  }
  if (runtime == "gvisor") {
    if (facts.tools.get("containerd-shim-runsc-v1").installed()) {
      return NodeHandler{runtime, node::gvisor_handler(true, "")};
    }
    auto a = adapter("gvisor", node::kRunscAdapterName);
    if (!a) return fail(a.error());
    // The node's own adapter configuration names the runsc and the platform explicitly, so the
    // node never depends on runsc's default platform or on which runsc PATH finds first.
    NodeHandler nh{runtime, {}};
    nh.runsc = tool_path(facts, "runsc");
    nh.platform = facts.gvisor.recommended.empty() ? "ptrace" : facts.gvisor.recommended;
    nh.adapter = *a;
    nh.adapter_link = layout.options.state_dir + "/adapters/gvisor/" + node::kRunscAdapterName;
    nh.adapter_config =
        "# written by mkata node up: the gvisor handler of this node\n"
        "runsc = " +
        nh.runsc + "\nplatform = " + nh.platform + "\n";
    nh.handler = node::gvisor_handler(false, nh.adapter_link);
    runc_like_options(nh.handler, layout);
    return nh;
  }
  if (runtime == "kata") return NodeHandler{runtime, node::kata_handler()};
  return fail(
      Error::usage("unknown runtime '" + runtime + "' (accepted: runc, crun, gvisor, kata)"));
}

std::vector<NodeHandler> choose_handlers(
    const host::HostFacts& facts, const std::map<std::string, host::RuntimeVerdict>& verdicts,
    const NodeLayout& layout, std::map<std::string, std::string>* unavailable) {
  std::vector<NodeHandler> handlers;
  for (const char* runtime : host::kRuntimeNames) {
    auto v = verdicts.find(runtime);
    if (v == verdicts.end() || !v->second.usable) continue;
    auto h = handler_for_runtime(runtime, facts, layout);
    if (h) {
      handlers.push_back(std::move(*h));
    } else if (unavailable) {
      (*unavailable)[runtime] = h.error().message();
    }
  }
  return handlers;
}

}  // namespace mkata::embedded
