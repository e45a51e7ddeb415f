// From a runtime name the user typed (runc, crun, gvisor, kata) to the handler containerd needs on
// *this* host: which shim, which binary, which adapter. The facts come from the host (through a
// root prefix for tests): is containerd-shim-runsc-v1 installed, is the cgroup layout hybrid (crun
// refuses it, LAB-NOTES.md), where is Kata's shim.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// The runtimes mkata installs, in the order it lists them.
inline constexpr const char* kRuntimeNames[] = {"runc", "crun", "gvisor", "kata"};

/// What the host offers, as far as wiring is concerned.
struct RuntimeHostFacts {
  std::optional<std::string> runsc_shim;  ///< path of containerd-shim-runsc-v1
  std::optional<std::string> kata_shim;   ///< path of containerd-shim-kata-v2
  bool kata_shim_in_path = false;         ///< found in a standard PATH dir (not only /opt/kata/bin)
  bool hybrid_cgroups = false;            ///< cgroup v1 with a cgroup2 mount at .../unified
};

/// Probes the facts under `root` ("/" on a real host).
RuntimeHostFacts probe_runtime_host(const std::string& root);

/// User choices that shape the handlers.
struct RuntimeChoices {
  std::string kata_config;                ///< options.ConfigPath for kata ("" = Kata's default)
  std::string adapter_dir = kAdapterDir;  ///< where the adapters live on the host
};

/// The handler for a runtime name, plus notes (warnings) for the user. Error (usage) for an
/// unknown name: "unknown runtime 'x' (accepted: runc, crun, gvisor, kata)".
Result<RuntimeHandler> plan_runtime(const std::string& runtime, const RuntimeHostFacts& facts,
                                    const RuntimeChoices& choices, std::vector<std::string>& notes);

/// plan_runtime() for each name; also checks that --kata-config names an existing file (under
/// `root`): "--kata-config: <file> does not exist".
Result<std::vector<RuntimeHandler>> plan_runtimes(const std::vector<std::string>& runtimes,
                                                  const RuntimeHostFacts& facts,
                                                  const RuntimeChoices& choices,
                                                  const std::string& root,
                                                  std::vector<std::string>& notes);

/// The directories mkata looks in for a runtime's programs (the standard PATH directories).
std::vector<std::string> host_program_dirs();

/// The first executable <dir>/<name> under `root` for dir in host_program_dirs() (the path
/// without the root prefix); nullopt when there is none.
std::optional<std::string> find_host_program(const std::string& root, const std::string& name);

/// The adapter file name a handler runs (mkata-runsc-adapter / mkata-crun-adapter), if any.
std::optional<std::string> adapter_of(const RuntimeHandler& handler, const std::string& adapter_dir);

/// Where mkata looks for its adapters, in order: $MKATA_ADAPTER_DIR, beside the mkata executable,
/// <exe>/../lib/mkata (the Debian package: /usr/lib/mkata), the build tree (<build>/adapters/,
/// from <build>/src/cli/mkata and as compiled in), then kAdapterDir (where install puts them).
/// `exe`: the running executable's path ("" when unknown).
std::vector<std::string> adapter_search_dirs(const std::string& exe);

/// The running executable (/proc/self/exe), "" when unreadable.
std::string self_executable();

/// Where mkata finds an adapter to copy onto the host: the first executable one in
/// adapter_search_dirs(self_executable()), canonical. nullopt when absent.
std::optional<std::string> find_adapter_source(const std::string& name);

}  // namespace mkata::node
