// The Docker Engine API, the parts mkata reads: where the daemon is (DOCKER_HOST, the Docker
// way), which version it is, and which runtimes it really loaded (`GET /info` → Runtimes). The
// read-back matters because Docker silently drops what it does not understand: Engine 20.10
// keeps a daemon.json entry `{"runtimeType": "io.containerd.kata.v2"}` as `{"path": ""}` —
// the runtime is listed by name and cannot run (measured with Debian's docker.io 20.10.24). So a
// runtime is loaded only when its path or runtimeType is what mkata wrote.
//
// JSON parsing is separate from transport so that it is tested on real captured answers
// (src/engine/testdata/docker-20.10-*.json).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/error.h"

namespace mkata::engine {

/// The default Docker socket (DOCKER_HOST unset).
inline constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";

/// The daemon to talk to: flag (--docker-host) first, else $DOCKER_HOST, else the default.
/// Only unix:// is supported. Error (usage): "docker host 'tcp://1.2.3.4:2375' is not supported
/// (accepted: unix:///PATH/TO/SOCKET)".
Result<std::string> docker_socket_path(const std::string& flag, const char* env_docker_host);

/// One runtime as the daemon reports it.
struct DockerRuntime {
  std::string path;          ///< "" when the daemon knows no binary for it
  std::string runtime_type;  ///< "io.containerd.kata.v2" (Engine 24+), "" otherwise
  bool operator==(const DockerRuntime&) const = default;
};

/// What `GET /info` says that mkata uses.
struct DockerInfo {
  std::string server_version;  ///< "20.10.24+dfsg1"
  std::string default_runtime;
  std::map<std::string, DockerRuntime> runtimes;
  std::string kernel_version, operating_system, cgroup_driver, cgroup_version, root_dir;
};

/// Parses `GET /info`. Error: "parse docker info: <what>".
Result<DockerInfo> parse_docker_info(const std::string& json);

/// The major and minor version of "20.10.24+dfsg1" / "28.5.2" (nullopt when unparsable).
std::optional<std::pair<int, int>> engine_version(const std::string& server_version);

/// A client of one daemon.
class DockerClient {
 public:
  explicit DockerClient(std::string socket_path) : socket_(std::move(socket_path)) {}

  /// GET /info. Errors: no answer (environment), an HTTP error ("docker: GET /info: HTTP 500:
  /// <message>"), or an unparsable answer.
  Result<DockerInfo> info() const;

  const std::string& socket_path() const { return socket_; }

 private:
  std::string socket_;
};

}  // namespace mkata::engine
