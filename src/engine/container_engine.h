// A container engine as validate uses it (PRODUCT.md, Targets): Docker through its Engine API
// (docker_engine.h), Podman through its CLI (podman_engine.h). Both run one container from a
// description in the engine's own words (EngineContainer: what `docker run` / `podman run` take),
// say where it can be reached and whether it exited, and remove it; they load and remove images;
// and they say which OCI runtimes they really have — the read-back that a runtime called
// "gvisor" is what it claims is the isolation proof's job, but whether the engine knows the name
// at all, and with which binary or shim, is the engine's answer.
//
// The validate target over an engine (validate/engine_target.h) knows only this interface, so
// Docker and Podman share one implementation of the scenario's seam.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace mkata::engine {

/// One resource limit (`--ulimit name=soft:hard`).
struct Ulimit {
  std::string name;  ///< "nofile", "nproc"
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const Ulimit&) const = default;
};

/// One container as `docker run -d` / `podman run -d` would start it.
struct EngineContainer {
  std::string name;                  ///< unique; also the handle used to inspect and remove it
  std::string image;                 ///< a reference the engine has locally (nothing is pulled)
  std::vector<std::string> command;  ///< empty: the image's Entrypoint; else replaces it
  std::vector<std::pair<std::string, std::string>> env;  ///< in order
  std::string user;                                      ///< "65532:65532"; "" = the image's
  std::map<std::string, std::string> labels;
  std::string runtime;  ///< the engine's runtime name (`--runtime`)
  std::string network;  ///< "" = the engine's default network
  bool read_only_rootfs = true;
  bool drop_all_capabilities = true;
  bool no_new_privileges = true;
  std::vector<Ulimit> ulimits;  ///< empty: the engine's defaults
};

/// What the engine says of one container.
struct ContainerState {
  std::string status;            ///< "created", "running", "exited", … (the engine's word)
  std::optional<int> exit_code;  ///< once it has exited
  std::string ip;                ///< its address on `network` ("" when it has none yet)
};

/// A runtime as the engine has it.
struct EngineRuntime {
  std::string name;          ///< what `--runtime` takes
  std::string path;          ///< the OCI runtime binary ("" for a shim runtime)
  std::string runtime_type;  ///< a containerd shim ("io.containerd.kata.v2"), "" otherwise
  std::string version;       ///< when the engine reports it (Podman), else ""
};

class ContainerEngine {
 public:
  virtual ~ContainerEngine() = default;

  /// "docker" or "podman".
  virtual std::string name() const = 0;
  /// "Docker Engine 20.10.24+dfsg1 at /var/run/docker.sock" (after connect()).
  virtual std::string description() const = 0;
  /// The engine's version ("20.10.24+dfsg1", "4.3.1").
  virtual std::string version() const = 0;

  /// Asks the engine who it is. Error (environment): it does not answer.
  virtual Result<void> connect() = 0;

  /// The first of `names` the engine can run, or why none: e.g. "Docker 20.10.24+dfsg1 has no
  /// runtime named gvisor or runsc (it has: runc, io.containerd.runc.v2)".
  virtual Result<EngineRuntime> find_runtime(const std::vector<std::string>& names) = 0;

  /// The image's ID, or nullopt when the engine does not have it.
  virtual Result<std::optional<std::string>> image_id(const std::string& reference) = 0;
  /// Loads an image archive (`docker load` / `podman load`).
  virtual Result<void> load_image(const std::string& archive_path) = 0;
  /// Removes the image by reference (absent: nothing to do).
  virtual Result<void> remove_image(const std::string& reference) = 0;

  /// Creates the container and starts it. Times the two steps when the engine separates them.
  virtual Result<void> run(const EngineContainer& container, long long& create_ms,
                           long long& start_ms) = 0;
  /// The container's state. Error when the engine does not know it.
  virtual Result<ContainerState> inspect(const std::string& name, const std::string& network) = 0;
  /// The last lines of its output (stdout and stderr), "" when there is none.
  virtual Result<std::string> logs(const std::string& name, int tail) = 0;
  /// Stops and removes the container with its anonymous volumes; absent: nothing to do.
  virtual Result<void> remove(const std::string& name) = 0;
};

/// Parses one container's inspect object — `GET /containers/{id}/json` (Docker) or an element of
/// `podman container inspect` (the same shape): State.Status, State.ExitCode once exited, and the
/// IP on `network` ("" = the container's first network). Error: "parse container inspect: <what>".
Result<ContainerState> parse_container_inspect(const std::string& json, const std::string& network);

/// The engine runtime names that stand for a validate runtime, in order of preference:
/// mkata's own (what `mkata install --engine` writes: crun, gvisor, kata), then the names of the
/// runtimes' own docs (gVisor registers "runsc"; a Kata shim can be named by its full type).
std::vector<std::string> engine_runtime_names(const std::string& runtime);

}  // namespace mkata::engine
