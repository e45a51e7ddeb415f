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
#include "core/http_client.h"
#include "engine/container_engine.h"

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

/// GET /version's containerd component ("1.6.20~ds1"), "" when it does not say.
std::string containerd_version_of(const std::string& version_json);

/// The body of POST /containers/create for `c` (Engine API 1.41, Docker 20.10 and later):
/// Entrypoint (when c.command is set), Env, User, Labels and HostConfig {Runtime,
/// ReadonlyRootfs, CapDrop ["ALL"], SecurityOpt ["no-new-privileges"], NetworkMode, Ulimits}.
std::string render_docker_create(const EngineContainer& c);

/// The error of a JSON-stream answer (POST /images/load): the first line's "error" message, or
/// nullopt. A failed load still answers HTTP 200 (20.10 and 28.5 alike, captured in testdata).
std::optional<std::string> docker_stream_error(const std::string& body);

/// The text of a non-TTY container's log stream: each frame is an 8-byte header (stream, 0, 0,
/// 0, big-endian length) and its bytes; a truncated frame keeps what arrived.
std::string demux_docker_stream(const std::string& bytes);

/// A client of one daemon.
class DockerClient {
 public:
  explicit DockerClient(std::string socket_path) : socket_(std::move(socket_path)) {}

  /// GET /info. Errors: no answer (environment), an HTTP error ("docker: GET /info: HTTP 500:
  /// <message>"), or an unparsable answer.
  Result<DockerInfo> info() const;

  /// One call of the Engine API. An HTTP status outside `ok` (default: 2xx) is an error
  /// "docker: POST /containers/create: HTTP 404: No such image: …". No answer is an environment
  /// error naming the socket.
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "",
                            const std::string& content_type = "application/json",
                            std::chrono::milliseconds timeout = std::chrono::seconds(30),
                            std::vector<long> also_ok = {}) const;

  const std::string& socket_path() const { return socket_; }

 private:
  std::string socket_;
};

}  // namespace mkata::engine
