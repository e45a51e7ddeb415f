// Podman as a ContainerEngine (container_engine.h), rootful, through its CLI run from argv — no
// shell. Podman has no daemon: every call is one `podman` process, which reads the user's
// containers.conf and storage.conf (or the files CONTAINERS_CONF / CONTAINERS_STORAGE_CONF
// name), so mkata validates exactly the Podman the user runs.
//
// Which runtimes it has: `podman --runtime NAME info` resolves NAME the way `podman run
// --runtime NAME` does — an [engine.runtimes] entry of containers.conf (what `mkata install
// --engine podman` writes) or one of Podman's built-in names — and reports the binary and its
// version, or fails "default OCI runtime "NAME" not found".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/container_engine.h"

namespace mkata::engine {

/// `podman create` arguments for c (after "podman"): --name, --runtime, --read-only, --cap-drop
/// all, --security-opt no-new-privileges, --user, --label, --env, --network, --ulimit,
/// --entrypoint (JSON array), --pull never, then the image.
std::vector<std::string> podman_create_args(const EngineContainer& c);

/// Parses `podman info --format json`'s Host.OCIRuntime ({name, path, version}) into a runtime
/// named `name` (the version's first line). Error: "parse podman info: <what>".
Result<EngineRuntime> parse_podman_runtime(const std::string& json, const std::string& name);

class PodmanEngine final : public ContainerEngine {
 public:
  /// program: the podman executable ("podman" = found in PATH).
  explicit PodmanEngine(std::string program = "podman") : program_(std::move(program)) {}

  std::string name() const override { return "podman"; }
  std::string description() const override { return "Podman " + version_ + " (rootful)"; }
  std::string version() const override { return version_; }
  Result<void> connect() override;
  Result<EngineRuntime> find_runtime(const std::vector<std::string>& names) override;
  Result<std::optional<std::string>> image_id(const std::string& reference) override;
  Result<void> load_image(const std::string& archive_path) override;
  Result<void> remove_image(const std::string& reference) override;
  Result<void> run(const EngineContainer& container, long long& create_ms,
                   long long& start_ms) override;
  Result<ContainerState> inspect(const std::string& name, const std::string& network) override;
  Result<std::string> logs(const std::string& name, int tail) override;
  Result<void> remove(const std::string& name) override;

 private:
  /// Runs `podman args...`; stdout, or an error "podman <args[0]>: <last stderr line>".
  Result<std::string> podman(std::vector<std::string> args,
                             std::chrono::seconds timeout = std::chrono::seconds(60)) const;

  std::string program_;
  std::string version_;
};

}  // namespace mkata::engine
