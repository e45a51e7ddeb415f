// Runtime name → handler for this host (see runtime_plan.h).
#include "node/runtime_plan.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/strings.h"
#include "node/distribution.h"

namespace mkata::node {

namespace {

constexpr const char* kPathDirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                     "/usr/bin",        "/sbin",          "/bin"};

std::optional<std::string> find_in(const std::string& root, const std::vector<std::string>& dirs,
                                   const std::string& name) {
  for (const auto& dir : dirs) {
    std::string path = dir + "/" + name;
    if (access(under_root(root, path).c_str(), X_OK) == 0) return path;
  }
  return std::nullopt;
}

std::vector<std::string> path_dirs() { return {std::begin(kPathDirs), std::end(kPathDirs)}; }

}  // namespace

RuntimeHostFacts probe_runtime_host(const std::string& root) {
  RuntimeHostFacts facts;
  facts.runsc_shim = find_in(root, path_dirs(), "containerd-shim-runsc-v1");
  facts.kata_shim = find_in(root, path_dirs(), "containerd-shim-kata-v2");
  facts.kata_shim_in_path = facts.kata_shim.has_value();
  if (!facts.kata_shim)
    facts.kata_shim = find_in(root, {"/opt/kata/bin"}, "containerd-shim-kata-v2");
  // LAB-NOTES.md: crun refuses "hybrid mode" when the cgroup2 mount at /sys/fs/cgroup/unified has
  // controllers that no v1 hierarchy claims.
  facts.hybrid_cgroups = path_exists(under_root(root, "/sys/fs/cgroup/unified/cgroup.controllers"));
  return facts;
}

Result<RuntimeHandler> plan_runtime(const std::string& runtime, const RuntimeHostFacts& facts,
                                    const RuntimeChoices& choices,
                                    std::vector<std::string>& notes) {
  std::string dir = choices.adapter_dir;
  if (runtime == "runc") return runc_handler();
  if (runtime == "crun") {
    if (!facts.hybrid_cgroups) return crun_handler();
    notes.push_back("crun: hybrid cgroup layout: using the crun adapter " + dir + "/" +
                    kCrunAdapterName);
    return crun_handler("crun", dir + "/" + kCrunAdapterName);
  }
  if (runtime == "gvisor") {
    if (facts.runsc_shim) return gvisor_handler(true, "");
    notes.push_back(
        "gvisor: no containerd-shim-runsc-v1: using the runc shim with the runsc "
        "adapter " +
        dir + "/" + kRunscAdapterName);
    return gvisor_handler(false, dir + "/" + kRunscAdapterName);
  }
  if (runtime == "kata") {
    RuntimeHandler h = kata_handler(choices.kata_config);
    if (!facts.kata_shim) {
      notes.push_back(
          "warning: kata: containerd-shim-kata-v2 is not installed (looked in "
          "/opt/kata/bin and PATH): kata pods will fail until Kata Containers is "
          "installed");
    } else if (!facts.kata_shim_in_path) {
      h.runtime_path = *facts.kata_shim;  // containerd's PATH does not include /opt/kata/bin
    }
    return h;
  }
  return fail(
      Error::usage("unknown runtime '" + runtime + "' (accepted: runc, crun, gvisor, kata)"));
}

Result<std::vector<RuntimeHandler>> plan_runtimes(const std::vector<std::string>& runtimes,
                                                  const RuntimeHostFacts& facts,
                                                  const RuntimeChoices& choices,
                                                  const std::string& root,
                                                  std::vector<std::string>& notes) {
  if (!choices.kata_config.empty() && !path_exists(under_root(root, choices.kata_config))) {
    return fail(Error::usage("--kata-config: " + choices.kata_config + " does not exist"));
  }
  std::vector<RuntimeHandler> handlers;
  for (const auto& name : runtimes) {
    auto h = plan_runtime(name, facts, choices, notes);
    if (!h) return fail(h.error());
    handlers.push_back(*h);
  }
  return handlers;
}

std::vector<std::string> host_program_dirs() { return path_dirs(); }

std::optional<std::string> find_host_program(const std::string& root, const std::string& name) {
  return find_in(root, path_dirs(), name);
}

std::optional<std::string> adapter_of(const RuntimeHandler& handler,
                                      const std::string& adapter_dir) {
  auto binary = handler.option("BinaryName");
  if (!binary) return std::nullopt;
  for (const char* name : {kRunscAdapterName, kCrunAdapterName}) {
    if (*binary == adapter_dir + "/" + name) return std::string(name);
  }
  return std::nullopt;
}

std::vector<std::string> adapter_search_dirs(const std::string& exe) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("MKATA_ADAPTER_DIR"); env && *env) dirs.push_back(env);
  if (!exe.empty()) {
    auto dir = std::filesystem::path(exe).parent_path();
    dirs.push_back(dir.string());
    dirs.push_back((dir.parent_path() / "lib/mkata").string());
    dirs.push_back((dir.parent_path().parent_path() / "adapters").string());
  }
  dirs.push_back(binary_path("/adapters"));
  dirs.push_back(kAdapterDir);
  return dirs;
}

std::string self_executable() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

std::optional<std::string> find_adapter_source(const std::string& name) {
  std::error_code ec;
  for (const auto& dir : adapter_search_dirs(self_executable())) {
    std::string c = dir + "/" + name;
    if (access(c.c_str(), X_OK) == 0) return std::filesystem::weakly_canonical(c, ec).string();
  }
  return std::nullopt;
}

}  // namespace mkata::node
