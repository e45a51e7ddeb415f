// The Docker and Podman targets (PRODUCT.md, Targets): the user's own engine runs the workloads,
// one container each, exactly as `docker run` / `podman run` would — under `--runtime`, as the
// image's non-root user, with a read-only root filesystem, no new privileges and every
// capability dropped, labelled as mkata's — and they are reached by their IP on the engine's
// bridge network. What is engine-specific is behind engine::ContainerEngine; this class is the
// one implementation of the scenario's seam for both.
//
// - choose(): check's verdict on the host, then the engine's own answer: which of the names that
//   stand for the runtime (engine_runtime_names) it really has, with which binary or shim.
// - prepare(): builds the image archives (image/scratch_images.h) and loads those the engine does
//   not have yet (timed); it removes again at finish() what it loaded, unless kept.
// - remove(): force-removes the container by name — the name is set before the engine is asked
//   to create it, so a failure or Ctrl-C in the middle of a start leaves nothing behind.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/container_engine.h"
#include "validate/target.h"

namespace mkata::validate {

/// What the engine target needs from the run's options.
struct EngineTargetOptions {
  std::string network;       ///< the engine network to attach to ("" = the engine's default)
  bool keep = false;         ///< leave the images loaded
  std::string workload_dir;  ///< workload binaries ("" = the image module's lookup)
  std::vector<engine::Ulimit> ulimits;  ///< given to every container (Podman here: hard limits)
  std::vector<std::string> notes;       ///< for the report (e.g. why the ulimits)
  /// How often exit_code() asks the engine (each ask is a process for Podman).
  std::chrono::milliseconds inspect_interval{250};
};

class EngineTarget final : public Target {
 public:
  /// The engine must be connected (ContainerEngine::connect).
  EngineTarget(std::unique_ptr<engine::ContainerEngine> engine, EngineTargetOptions options);
  ~EngineTarget() override;

  std::string name() const override { return engine_->name(); }
  std::string description() const override { return engine_->description(); }
  std::vector<std::string> notes() const override;
  RuntimeChoice choose(const std::string& runtime, const host::HostFacts& facts,
                       const host::RuntimeVerdict& verdict) override;
  Result<std::map<std::string, RuntimeChoice>> prepare(
      const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
      std::vector<report::PhaseTiming>& timings) override;
  std::map<std::string, std::string> images() const override { return images_; }
  Result<void> start(Deployment& d) override;
  std::optional<int> exit_code(const Deployment& d) override;
  std::string logs(const Deployment& d) override;
  Result<void> remove(const Deployment& d) override;
  std::vector<report::ComponentVersion> versions() override;
  Result<void> finish(Progress& progress, std::vector<report::PhaseTiming>& timings) override;

 private:
  Result<void> remove_loaded_images();

  std::unique_ptr<engine::ContainerEngine> engine_;
  EngineTargetOptions options_;
  std::string run_id_;
  std::map<std::string, std::string> images_;              ///< workload → reference
  std::vector<std::string> loaded_;                        ///< references this run loaded
  std::map<std::string, engine::EngineRuntime> runtimes_;  ///< runtime → what the engine has
  std::mutex mutex_;  ///< guards last_inspect_ (parallel deployments)
  std::map<std::string, std::chrono::steady_clock::time_point> last_inspect_;
};

}  // namespace mkata::validate
