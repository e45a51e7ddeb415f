// See docker_engine.h.
#include "engine/docker_engine.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"
#include "core/timestamp.h"

namespace mkata::engine {
namespace {

using Clock = std::chrono::steady_clock;

// A JSON object's string field, or nullopt when the text is no object (nlohmann throws: not
// here).
std::optional<std::string> string_field(const std::string& text, const char* key) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_shim_type(const std::string& name) { return starts_with(name, "io.containerd."); }

std::string names_of(const DockerInfo& info) {
  std::vector<std::string> names;
  for (const auto& [name, runtime] : info.runtimes) names.push_back(name);
  return names.empty() ? "none" : join(names, ", ");
}

}  // namespace

Result<EngineRuntime> find_docker_runtime(const DockerInfo& info,
                                          const std::vector<std::string>& names) {
  auto version = engine_version(info.server_version);
  bool named_shims = version && *version >= std::pair{24, 0};
  bool shims_by_type = version && *version >= std::pair{23, 0};
  std::string docker = "Docker " + info.server_version;
  std::vector<std::string> ignored;
  for (const auto& name : names) {
    auto it = info.runtimes.find(name);
    if (it != info.runtimes.end()) {
      const auto& r = it->second;
      if (!r.path.empty()) return EngineRuntime{name, r.path, "", ""};
      // The type, when an Engine shows it; Docker 24.0 to 28.5 do not (docker_engine.h).
      if (named_shims) return EngineRuntime{name, "", r.runtime_type, ""};
      ignored.push_back(name);
      continue;
    }
    if (is_shim_type(name) && shims_by_type) return EngineRuntime{name, "", name, ""};
  }
  std::string reason = docker + " has no runtime named " + join_or(names);
  if (!ignored.empty()) {
    reason = docker + " lists the runtime " + join_or(ignored) +
             " with neither a path nor a runtimeType: it ignored the entry (named shim runtimes "
             "in daemon.json need Docker Engine 24.0)";
  }
  return fail(Error(reason + " (it has: " + names_of(info) + ")", ErrorKind::kCheckFailed));
}

std::string DockerEngine::description() const {
  return "Docker Engine " + version() + " at " + client_.socket_path();
}

Result<void> DockerEngine::connect() {
  auto info = client_.info();
  if (!info) return fail(info.error());
  info_ = *info;
  if (auto v = client_.call("GET", "/version"))
    containerd_version_ = containerd_version_of(v->body);
  return {};
}

Result<EngineRuntime> DockerEngine::find_runtime(const std::vector<std::string>& names) {
  if (!info_) {
    if (auto r = connect(); !r) return fail(r.error());
  }
  return find_docker_runtime(*info_, names);
}

Result<std::optional<std::string>> DockerEngine::image_id(const std::string& reference) {
  auto r = client_.call("GET", "/images/" + reference + "/json", "", "application/json",
                        std::chrono::seconds(30), {404});
  if (!r) return fail(r.error());
  if (r->status == 404) return std::optional<std::string>{};
  auto id = string_field(r->body, "Id");
  if (!id || id->empty()) return fail("docker: GET /images/" + reference + "/json: no Id");
  return std::optional<std::string>{*id};
}

Result<void> DockerEngine::load_image(const std::string& archive_path) {
  auto bytes = read_file(archive_path);
  if (!bytes) return fail(bytes.error());
  auto r = client_.call("POST", "/images/load?quiet=1", *bytes, "application/x-tar",
                        std::chrono::seconds(120));
  if (!r) return fail(r.error().wrap("load " + archive_path));
  if (auto error = docker_stream_error(r->body)) {
    return fail("docker: load " + archive_path + ": " + *error);
  }
  return {};
}

Result<void> DockerEngine::remove_image(const std::string& reference) {
  auto r = client_.call("DELETE", "/images/" + reference, "", "application/json",
                        std::chrono::seconds(60), {404});
  if (!r) return fail(r.error());
  return {};
}

Result<void> DockerEngine::run(const EngineContainer& c, long long& create_ms,
                               long long& start_ms) {
  auto t0 = Clock::now();
  auto created = client_.call("POST", "/containers/create?name=" + c.name, render_docker_create(c));
  create_ms = ms_since(t0);
  if (!created) return fail(created.error());
  auto t1 = Clock::now();
  auto started = client_.call("POST", "/containers/" + c.name + "/start", "", "application/json",
                              std::chrono::seconds(60));
  start_ms = ms_since(t1);
  if (!started) return fail(started.error());
  return {};
}

Result<ContainerState> DockerEngine::inspect(const std::string& name, const std::string& network) {
  auto r = client_.call("GET", "/containers/" + name + "/json");
  if (!r) return fail(r.error());
  return parse_container_inspect(r->body, network);
}

Result<std::string> DockerEngine::logs(const std::string& name, int tail) {
  auto r = client_.call(
      "GET", "/containers/" + name + "/logs?stdout=1&stderr=1&tail=" + std::to_string(tail));
  if (!r) return fail(r.error());
  return demux_docker_stream(r->body);
}

Result<void> DockerEngine::remove(const std::string& name) {
  auto r = client_.call("DELETE", "/containers/" + name + "?force=1&v=1", "", "application/json",
                        std::chrono::seconds(60), {404});
  if (!r) return fail(r.error());
  return {};
}

}  // namespace mkata::engine
