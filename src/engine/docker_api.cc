// See docker_api.h. nlohmann::json is confined to this file's parsing (it throws; we return
// Results).
#include "engine/docker_api.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/http_client.h"
#include "core/strings.h"

namespace mkata::engine {
namespace {

using nlohmann::json;

std::string string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Docker's error body is {"message": "..."}; fall back to the raw text.
std::string error_message(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (auto m = string_at(j, "message"); !m.empty()) return m;
  }
  return trim(body);
}

}  // namespace

Result<std::string> docker_socket_path(const std::string& flag, const char* env_docker_host) {
  std::string host = !flag.empty()                              ? flag
                     : env_docker_host && *env_docker_host != 0 ? env_docker_host
                                                                : kDefaultDockerHost;
  const std::string scheme = "unix://";
  if (!starts_with(host, scheme) || host.size() == scheme.size() || host[scheme.size()] != '/') {
    return fail(Error::usage("docker host '" + host +
                             "' is not supported (accepted: unix:///PATH/TO/SOCKET)"));
  }
  return host.substr(scheme.size());
}

Result<DockerInfo> parse_docker_info(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("parse docker info: not a JSON object");
  DockerInfo info;
  info.server_version = string_at(j, "ServerVersion");
  if (info.server_version.empty()) return fail("parse docker info: no ServerVersion");
  info.default_runtime = string_at(j, "DefaultRuntime");
  info.kernel_version = string_at(j, "KernelVersion");
  info.operating_system = string_at(j, "OperatingSystem");
  info.cgroup_driver = string_at(j, "CgroupDriver");
  info.cgroup_version = string_at(j, "CgroupVersion");
  info.root_dir = string_at(j, "DockerRootDir");
  if (auto it = j.find("Runtimes"); it != j.end() && it->is_object()) {
    for (const auto& [name, runtime] : it->items()) {
      if (!runtime.is_object()) continue;
      info.runtimes[name] = {string_at(runtime, "path"), string_at(runtime, "runtimeType")};
    }
  }
  return info;
}

std::optional<std::pair<int, int>> engine_version(const std::string& v) {
  int major = 0, minor = 0;
  const char* end = v.data() + v.size();
  auto [p1, e1] = std::from_chars(v.data(), end, major);
  if (e1 != std::errc() || p1 == end || *p1 != '.') return std::nullopt;
  auto [p2, e2] = std::from_chars(p1 + 1, end, minor);
  if (e2 != std::errc()) return std::nullopt;
  return std::pair{major, minor};
}

Result<DockerInfo> DockerClient::info() const {
  auto r = http_request({.method = "GET",
                         .url = "http://localhost/info",
                         .unix_socket = socket_,
                         .body = {},
                         .timeout = std::chrono::seconds(10)});
  if (!r) return fail(r.error().wrap("docker"));
  if (r->status != 200) {
    return fail("docker: GET /info: HTTP " + std::to_string(r->status) + ": " +
                error_message(r->body));
  }
  auto info = parse_docker_info(r->body);
  if (!info) return fail(info.error().wrap("docker"));
  return info;
}

}  // namespace mkata::engine
