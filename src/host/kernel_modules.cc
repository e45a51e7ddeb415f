#include "host/kernel_modules.h"

#include <algorithm>

#include "core/strings.h"

namespace mkata::host {
namespace {

// Module file names may spell '_' as '-'; the kernel treats them alike.
std::string normalized(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// True when a line of modules.builtin / modules.dep names <name>.ko (possibly compressed).
bool lists_module(const std::string& text, const std::string& name) {
  for (const auto& raw : split(text, '\n')) {
    std::string path = raw.substr(0, raw.find(':'));
    std::string file = normalized(path.substr(path.rfind('/') + 1));
    for (const char* suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"}) {
      if (file == name + suffix) return true;
    }
  }
  return false;
}

}  // namespace

ModuleState probe_module(const HostRoot& root, const std::string& release,
                         const std::string& name) {
  ModuleState state;
  std::string sys = "/sys/module/" + name;
  state.loaded = root.exists(sys);
  state.evidence.push_back({sys, state.loaded ? "present (loaded or built in)" : "absent"});
  std::string dir = "/lib/modules/" + release;
  if (!root.exists(dir)) {
    // Containers and minimal VMs ship no module tree: then only /sys/module and /dev can tell.
    state.evidence.push_back({dir, "absent"});
    return state;
  }
  if (auto builtin = root.read_file(dir + "/modules.builtin")) {
    state.builtin = lists_module(*builtin, normalized(name));
    state.evidence.push_back({dir + "/modules.builtin", state.builtin ? "lists " + name + ".ko"
                                                                      : "does not list " + name});
  } else {
    state.evidence.push_back({dir + "/modules.builtin", "unreadable"});
  }
  if (state.available()) return state;
  if (auto dep = root.read_file(dir + "/modules.dep")) {
    state.loadable = lists_module(*dep, normalized(name));
    state.evidence.push_back({dir + "/modules.dep", state.loadable ? "lists " + name + ".ko"
                                                                   : "does not list " + name});
  }
  return state;
}

std::optional<std::string> module_parameter(const HostRoot& root, const std::string& module,
                                            const std::string& param) {
  auto text = root.read_file("/sys/module/" + module + "/parameters/" + param);
  if (!text) return std::nullopt;
  return trim(*text);
}

}  // namespace mkata::host
