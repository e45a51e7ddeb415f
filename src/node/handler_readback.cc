// Comparing containerd's loaded handlers with mkata's intent (see handler_readback.h). The CRI
// call itself lives in handler_readback_cri.cc, over the project's one CRI client (src/cri/).
#include "node/handler_readback.h"

#include "core/strings.h"

namespace mkata::node {

namespace {

std::string list_of(const std::map<std::string, std::string>& handlers) {
  std::vector<std::string> names;
  for (const auto& [name, type] : handlers) names.push_back(name);
  return names.empty() ? "none" : join(names, ", ");
}

bool containerd_is_1x(const std::string& version) {
  std::string v = starts_with(version, "v") ? version.substr(1) : version;
  return starts_with(v, "1.");
}

// Why a handler written to the file is not loaded, and what to do about it.
std::string cause_of_missing(const LoadedRuntimes& loaded, const ReadBackContext& c) {
  bool v1x = containerd_is_1x(loaded.containerd_version);
  if (c.schema == ConfigSchema::kV3 && v1x) {
    return c.config_path + " uses config schema v3 (containerd 2.x, plugin id "
           "\"io.containerd.cri.v1.runtime\"), but containerd " + loaded.containerd_version +
           " reads schema v2: set 'version = 2' and write runtimes under "
           "\"io.containerd.grpc.v1.cri\" (or upgrade containerd)";
  }
  if (c.schema == ConfigSchema::kV2 && !loaded.containerd_version.empty() && !v1x) {
    return "containerd " + loaded.containerd_version + " expects config schema v3 (plugin id "
           "\"io.containerd.cri.v1.runtime\"): migrate " + c.config_path +
           " with 'containerd config migrate' and run mkata install again";
  }
  return "containerd does not read " + c.config_path +
         " (check the --config of the running containerd, or pass the right file with --config "
         "and its socket with --containerd-address) or was not restarted";
}

}  // namespace

Result<void> check_handlers_loaded(const LoadedRuntimes& loaded,
                                   const std::vector<RuntimeHandler>& handlers,
                                   const ReadBackContext& c) {
  for (const auto& h : handlers) {
    auto it = loaded.handlers.find(h.name);
    if (it == loaded.handlers.end()) {
      return fail(Error("containerd at " + c.address + " did not load the runtime handler '" +
                        h.name + "' written to " + c.config_path + " (loaded: " +
                        list_of(loaded.handlers) + ")")
                      .with_hint(cause_of_missing(loaded, c)));
    }
    if (it->second != h.runtime_type) {
      return fail(Error("containerd at " + c.address + " loaded the runtime handler '" + h.name +
                        "' with runtime_type \"" + it->second + "\", not \"" + h.runtime_type +
                        "\"")
                      .with_hint("another definition of '" + h.name +
                                 "' wins (an imported file or drop-in); remove it and run mkata "
                                 "install again"));
    }
  }
  return {};
}

Result<void> check_handlers_gone(const LoadedRuntimes& loaded,
                                 const std::vector<std::string>& names,
                                 const ReadBackContext& c) {
  for (const auto& name : names) {
    // containerd 1.x always has a built-in `runc` handler when the config lists no runtimes.
    if (name == "runc") continue;
    if (loaded.handlers.contains(name)) {
      return fail(Error("containerd at " + c.address + " still has the runtime handler '" + name +
                        "' after uninstall")
                      .with_hint("it is defined outside mkata's block (in " + c.config_path +
                                 " or a file it imports); remove it there"));
    }
  }
  return {};
}

}  // namespace mkata::node
