// The proof that an edit took effect: ask the running containerd, through its CRI socket, which
// runtime handlers it has loaded (Status verbose → info["config"] → containerd.runtimes.<h>
// .runtimeType) and compare with what mkata wrote. A config written under the wrong plugin id, to
// a file containerd does not read, or shadowed by another definition is silently ignored by
// containerd; only this read-back catches it, and its message says what is wrong and how to fix it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "node/runtime_handler.h"

namespace mkata::node {

/// What a running containerd reports.
struct LoadedRuntimes {
  std::string containerd_version;               ///< CRI Version runtime_version, e.g. "1.6.20~ds1"
  std::map<std::string, std::string> handlers;  ///< handler → runtime_type
};

/// Connects to the CRI socket and reads the loaded handlers, retrying until containerd answers
/// or `wait` passes (containerd needs a moment after a restart). Error (environment):
/// "containerd is not running at <address>: <why>".
Result<LoadedRuntimes> read_loaded_runtimes(const std::string& address,
                                            std::chrono::milliseconds wait);

/// Where the handlers were written, for messages.
struct ReadBackContext {
  std::string address;
  std::string config_path;
  ConfigSchema schema = ConfigSchema::kV2;
};

/// Checks that every handler is loaded with its runtime_type. The error names the handler, what
/// containerd has instead, the likely cause (schema v3 file on containerd 1.x, v2 ids on 2.x, a
/// file containerd does not read) and how to fix it.
Result<void> check_handlers_loaded(const LoadedRuntimes& loaded,
                                   const std::vector<RuntimeHandler>& handlers,
                                   const ReadBackContext& context);

/// Checks that none of these handlers is loaded any more (after uninstall).
Result<void> check_handlers_gone(const LoadedRuntimes& loaded,
                                 const std::vector<std::string>& names,
                                 const ReadBackContext& context);

}  // namespace mkata::node
