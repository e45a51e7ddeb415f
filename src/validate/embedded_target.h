// The embedded target: mkata's own node — a private containerd driven through CRI exactly as
// kubelet drives it (PRODUCT.md). A node already running in the state directory is used as it
// is; otherwise one is started for the run with one handler per chosen runtime, and taken down
// again at finish() unless kept. Each workload is one pod (pod_run.h).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "embedded/embedded_node.h"
#include "embedded/handler_choice.h"
#include "embedded/node_options.h"
#include "node/runtime_handler.h"
#include "validate/target.h"

namespace mkata::validate {

/// What the embedded target needs from the run's options.
struct EmbeddedTargetOptions {
  embedded::NodeOptions node;
  bool keep = false;         ///< leave a node this run started running
  std::string workload_dir;  ///< workload binaries ("" = the image module's lookup)
  /// Test seam: replaces the handler of a runtime (which then counts as usable).
  std::map<std::string, node::RuntimeHandler> handler_overrides;
  /// The containerd the node runs (`--containerd`; empty path = containerd on PATH).
  embedded::ContainerdProgram containerd{};
};

class EmbeddedTarget final : public Target {
 public:
  explicit EmbeddedTarget(EmbeddedTargetOptions options);

  std::string name() const override { return "embedded"; }
  std::string description() const override;
  RuntimeChoice choose(const std::string& runtime, const host::HostFacts& facts,
                       const host::RuntimeVerdict& verdict) override;
  Result<std::map<std::string, RuntimeChoice>> prepare(
      const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
      std::vector<report::PhaseTiming>& timings) override;
  std::map<std::string, std::string> images() const override;
  Result<void> start(Deployment& d) override;
  std::optional<int> exit_code(const Deployment& d) override;
  std::string logs(const Deployment& d) override;
  Result<void> remove(const Deployment& d) override;
  std::optional<std::pair<std::string, std::string>> sandbox_platform(const Deployment& d) override;
  std::vector<report::ComponentVersion> versions() override;
  Result<void> finish(Progress& progress, std::vector<report::PhaseTiming>& timings) override;

 private:
  EmbeddedTargetOptions options_;
  embedded::NodeLayout layout_;
  std::map<std::string, embedded::NodeHandler> handlers_;  ///< runtime → what choose() picked
  std::optional<embedded::EmbeddedNode> node_;
  bool started_here_ = false;
  std::mutex mutex_;                                  ///< guards container_ids_ (parallel starts)
  std::map<std::string, std::string> container_ids_;  ///< pod id → container id
  std::map<std::string, std::string> log_files_;      ///< pod id → the container's CRI log
  std::optional<host::InstalledTools> tools_;         ///< from the host facts, for versions()
  std::string platform_error_;  ///< why sandbox_platform() could not tell (for the notes)
};

}  // namespace mkata::validate
