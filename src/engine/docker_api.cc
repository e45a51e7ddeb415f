// See docker_api.h. nlohmann::json is confined to this file's parsing (it throws; we return
// Results).
#include "engine/docker_api.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "engine/json_fields.h"

namespace mkata::engine {
namespace {

using nlohmann::json;

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

std::string containerd_version_of(const std::string& version_json) {
  auto j = json::parse(version_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto it = j.find("Components");
  if (it == j.end() || !it->is_array()) return "";
  for (const auto& c : *it) {
    if (c.is_object() && string_at(c, "Name") == "containerd") return string_at(c, "Version");
  }
  return "";
}

std::string render_docker_create(const EngineContainer& c) {
  json body = json::object();
  body["Image"] = c.image;
  if (!c.command.empty()) body["Entrypoint"] = c.command;
  json env = json::array();
  for (const auto& [k, v] : c.env) env.push_back(k + "=" + v);
  body["Env"] = env;
  if (!c.user.empty()) body["User"] = c.user;
  body["Labels"] = c.labels;
  json host = json::object();
  if (!c.runtime.empty()) host["Runtime"] = c.runtime;
  host["ReadonlyRootfs"] = c.read_only_rootfs;
  if (c.drop_all_capabilities) host["CapDrop"] = json::array({"ALL"});
  if (c.no_new_privileges) host["SecurityOpt"] = json::array({"no-new-privileges"});
  host["NetworkMode"] = c.network.empty() ? "default" : c.network;
  json ulimits = json::array();
  for (const auto& u : c.ulimits) {
    ulimits.push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
  }
  if (!ulimits.empty()) host["Ulimits"] = ulimits;
  body["HostConfig"] = host;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> docker_stream_error(const std::string& body) {
  for (const auto& line : split(body, '\n')) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (auto error = string_at(j, "error"); !error.empty()) return error;
  }
  return std::nullopt;
}

std::string demux_docker_stream(const std::string& bytes) {
  std::string out;
  size_t pos = 0;
  while (pos + 8 <= bytes.size()) {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
    size_t size = (b(pos + 4) << 24) | (b(pos + 5) << 16) | (b(pos + 6) << 8) | b(pos + 7);
    pos += 8;
    out.append(bytes, pos, std::min(size, bytes.size() - pos));
    pos += size;
  }
  return out;
}

Result<HttpResponse> DockerClient::call(const std::string& method, const std::string& path,
                                        const std::string& body, const std::string& content_type,
                                        std::chrono::milliseconds timeout,
                                        std::vector<long> also_ok) const {
  HttpRequest request;
  request.method = method;
  request.url = "http://localhost" + path;
  request.unix_socket = socket_;
  request.body = body;
  request.content_type = content_type;
  request.timeout = timeout;
  auto r = http_request(request);
  if (!r) return fail(r.error().wrap("docker"));
  bool ok = (r->status >= 200 && r->status < 300) ||
            std::find(also_ok.begin(), also_ok.end(), r->status) != also_ok.end();
  if (!ok) {
    std::string shown = path.substr(0, path.find('?'));
    return fail("docker: " + method + " " + shown + ": HTTP " + std::to_string(r->status) + ": " +
                error_message(r->body));
  }
  return r;
}

Result<DockerInfo> DockerClient::info() const {
  auto r = call("GET", "/info", "", "application/json", std::chrono::seconds(10));
  if (!r) return fail(r.error());
  auto info = parse_docker_info(r->body);
  if (!info) return fail(info.error().wrap("docker"));
  return info;
}

}  // namespace mkata::engine
