// Docker as a ContainerEngine (container_engine.h), through the Engine API on its unix socket
// (docker_api.h) — no docker CLI, no shell. Which runtimes it has comes from `GET /info`, read
// with Docker's own rules (LAB-NOTES.md, measured on Debian's 20.10.24):
//  - an entry with a path is an OCI runtime run by the runc shim: usable;
//  - an entry without a path is a containerd shim (`runtimeType` in daemon.json): usable on
//    Engine 24.0 and later, which understands named shim runtimes. /info never shows the type:
//    Docker 28.5 lists `{"runtimeType": "io.containerd.kata.v2", "options": …}` as `{}` (measured;
//    the Engine API's Runtime object has only path, runtimeArgs and status), and refuses an entry
//    with neither a path nor a runtimeType ("either a runtimeType or a path must be configured"),
//    so on 24.0+ a listed entry without a path can only be a shim runtime;
//  - below 24.0 an entry without a path is one Docker listed but ignored (20.10 keeps
//    `{"runtimeType": …}` as `{"path": ""}`): not usable, and the reason says why;
//  - a name that is a full shim type ("io.containerd.kata.v2") needs no entry on Engine 23.0
//    and later (Docker passes it to containerd, which finds containerd-shim-kata-v2 on PATH).
#pragma once

#include <optional>
#include <string>

#include "engine/container_engine.h"
#include "engine/docker_api.h"

namespace mkata::engine {

/// The decision of find_runtime on an /info answer (pure, for tests).
Result<EngineRuntime> find_docker_runtime(const DockerInfo& info,
                                          const std::vector<std::string>& names);

class DockerEngine final : public ContainerEngine {
 public:
  explicit DockerEngine(std::string socket_path) : client_(std::move(socket_path)) {}

  std::string name() const override { return "docker"; }
  std::string description() const override;
  std::string version() const override { return info_ ? info_->server_version : ""; }
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

  /// containerd's version as Docker reports it (after connect()), "" when it does not say.
  const std::string& containerd_version() const { return containerd_version_; }

 private:
  DockerClient client_;
  std::optional<DockerInfo> info_;
  std::string containerd_version_;
};

}  // namespace mkata::engine
