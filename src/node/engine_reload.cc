// See engine_reload.h.
#include "node/engine_reload.h"

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"
#include "node/distribution.h"

namespace mkata::node {

Result<std::vector<std::string>> parse_restart_command(const std::string& text) {
  std::vector<std::string> argv;
  for (const auto& word : split(text, ' ')) {
    if (!word.empty()) argv.push_back(word);
  }
  if (argv.empty()) {
    return fail(Error::usage("--restart-command '" + text +
                             "': give a command and its arguments, e.g. --restart-command "
                             "'rc-service docker reload'"));
  }
  return argv;
}

bool systemd_is_init(const std::string& root) {
  return path_exists(under_root(root, "/run/systemd/system"));
}

DockerReload choose_docker_reload(const std::vector<std::string>& restart_command,
                                  bool systemd_init) {
  if (!restart_command.empty()) return {restart_command, "--restart-command"};
  if (systemd_init) return {{"systemctl", "reload", "docker"}, "systemd is PID 1"};
  return {{}, "systemd is not PID 1"};
}

std::string docker_runtime_text(const engine::DockerRuntime& runtime) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (!runtime.path.empty() || runtime.runtime_type.empty()) j["path"] = runtime.path;
  if (!runtime.runtime_type.empty()) j["runtimeType"] = runtime.runtime_type;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> check_docker_accepts(const engine::DockerInfo& info,
                                  const std::vector<WrittenRuntime>& runtimes) {
  auto version = engine::engine_version(info.server_version);
  if (!version || *version >= std::pair{24, 0}) return {};  // unknown: the read-back decides
  for (const auto& rt : runtimes) {
    if (rt.entry.runtime_type.empty()) continue;
    return fail("--engine docker: " + rt.name +
                " needs Docker Engine 24.0 or later for a runtimeType entry in daemon.json; this "
                "Docker is " +
                info.server_version +
                ", which would list it and ignore it (Engine 23.0 runs the shim without "
                "configuration: docker run --runtime " +
                rt.entry.runtime_type + ")");
  }
  return {};
}

namespace {

// Engine 24.0+ lists a runtimeType entry by name with neither path nor type (Docker 28.5.2:
// `"kata": {}`) and refuses an entry that has neither, so such a listing is a shim runtime.
bool lists_type_unshown(const engine::DockerInfo& info, const engine::DockerRuntime& listed) {
  auto version = engine::engine_version(info.server_version);
  return version && *version >= std::pair{24, 0} && listed.path.empty() &&
         listed.runtime_type.empty();
}

}  // namespace

std::vector<std::string> docker_types_not_shown(const engine::DockerInfo& info,
                                                const std::vector<WrittenRuntime>& runtimes) {
  std::vector<std::string> out;
  for (const auto& rt : runtimes) {
    auto it = info.runtimes.find(rt.name);
    if (!rt.entry.runtime_type.empty() && it != info.runtimes.end() &&
        lists_type_unshown(info, it->second)) {
      out.push_back(rt.name);
    }
  }
  return out;
}

std::optional<Error> docker_listing_error(const engine::DockerInfo& info,
                                          const std::vector<WrittenRuntime>& runtimes,
                                          const std::string& config) {
  for (const auto& rt : runtimes) {
    std::string wrote = docker_runtime_text(rt.entry);
    auto it = info.runtimes.find(rt.name);
    if (it == info.runtimes.end()) {
      return Error("Docker does not list the runtime '" + rt.name + "' after the reload (mkata " +
                       "wrote " + wrote + " to " + config + ")",
                   ErrorKind::kCheckFailed)
          .with_hint(
              "dockerd reads the file given by its --config-file (default "
              "/etc/docker/daemon.json): pass that file with --config");
    }
    const engine::DockerRuntime& listed = it->second;
    bool same = rt.entry.runtime_type.empty() ? listed.path == rt.entry.path
                                              : listed.runtime_type == rt.entry.runtime_type ||
                                                    lists_type_unshown(info, listed);
    if (same) continue;
    std::string message = "Docker lists the runtime '" + rt.name + "' as " +
                          docker_runtime_text(listed) + " after the reload, not " + wrote;
    if (!rt.entry.runtime_type.empty() && listed.runtime_type.empty() && listed.path.empty()) {
      message += ": this Engine ignores runtimeType";
    }
    return Error(message, ErrorKind::kCheckFailed);
  }
  return std::nullopt;
}

std::optional<Error> docker_removal_error(const engine::DockerInfo& info,
                                          const std::vector<std::string>& removed,
                                          const std::string& config) {
  for (const auto& name : removed) {
    if (!info.runtimes.contains(name)) continue;
    return Error("Docker still lists the runtime '" + name +
                     "' after the reload: only a full restart of dockerd drops it (" + config +
                     " no longer defines it)",
                 ErrorKind::kCheckFailed)
        .with_hint("restart dockerd when its containers can stop, e.g. systemctl restart docker");
  }
  return std::nullopt;
}

}  // namespace mkata::node
