// See podman_engine.h. nlohmann::json throws; it is confined to the parsing here.
#include "engine/podman_engine.h"

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>

#include "core/process.h"
#include "core/strings.h"
#include "core/timestamp.h"
#include "engine/json_fields.h"

namespace mkata::engine {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

}  // namespace

std::vector<std::string> podman_create_args(const EngineContainer& c) {
  std::vector<std::string> a = {"create", "--name", c.name, "--pull", "never"};
  if (!c.runtime.empty()) a.insert(a.end(), {"--runtime", c.runtime});
  if (c.read_only_rootfs) a.push_back("--read-only");
  if (c.drop_all_capabilities) a.insert(a.end(), {"--cap-drop", "all"});
  if (c.no_new_privileges) a.insert(a.end(), {"--security-opt", "no-new-privileges"});
  if (!c.user.empty()) a.insert(a.end(), {"--user", c.user});
  for (const auto& [k, v] : c.labels) a.insert(a.end(), {"--label", k + "=" + v});
  for (const auto& [k, v] : c.env) a.insert(a.end(), {"--env", k + "=" + v});
  if (!c.network.empty()) a.insert(a.end(), {"--network", c.network});
  for (const auto& u : c.ulimits) {
    a.insert(a.end(),
             {"--ulimit", u.name + "=" + std::to_string(u.soft) + ":" + std::to_string(u.hard)});
  }
  if (!c.command.empty()) {
    a.insert(a.end(), {"--entrypoint",
                       json(c.command).dump(-1, ' ', false, json::error_handler_t::replace)});
  }
  a.push_back(c.image);
  return a;
}

Result<EngineRuntime> parse_podman_runtime(const std::string& text, const std::string& name) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("parse podman info: not a JSON object");
  auto host = j.find("host");
  if (host == j.end() || !host->is_object()) return fail("parse podman info: no host");
  auto oci = host->find("ociRuntime");
  if (oci == host->end() || !oci->is_object()) return fail("parse podman info: no host.ociRuntime");
  std::string version = string_at(*oci, "version");
  return EngineRuntime{name, string_at(*oci, "path"), "", version.substr(0, version.find('\n'))};
}

Result<std::string> PodmanEngine::podman(std::vector<std::string> args,
                                         std::chrono::seconds timeout) const {
  std::string what = "podman " + (args.empty() ? std::string() : args[0]);
  args.insert(args.begin(), program_);
  RunOptions options;
  options.timeout = timeout;
  auto r = mkata::run(args, options);
  if (!r) return fail(r.error());
  if (!r->ok()) return fail(what + ": " + r->describe());
  return std::move(r->out);
}

Result<void> PodmanEngine::connect() {
  auto out = podman({"version", "--format", "{{.Client.Version}}"}, std::chrono::seconds(30));
  if (!out) return fail(out.error());
  version_ = trim(*out);
  return {};
}

Result<EngineRuntime> PodmanEngine::find_runtime(const std::vector<std::string>& names) {
  // One `podman info` per name, all at once: each is a Podman start-up.
  std::vector<std::future<Result<std::string>>> probes;
  for (const auto& n : names) {
    probes.push_back(std::async(std::launch::async, [this, n] {
      return podman({"--runtime", n, "info", "--format", "json"}, std::chrono::seconds(30));
    }));
  }
  std::vector<std::string> why;
  std::optional<Result<EngineRuntime>> found;
  for (size_t i = 0; i < names.size(); ++i) {
    auto out = probes[i].get();
    if (found) continue;
    if (!out) {
      why.push_back(out.error().message());
      continue;
    }
    found = parse_podman_runtime(*out, names[i]);
  }
  if (found) return *found;
  return fail(Error("Podman " + version_ + " has no runtime named " + join(names, " or ") + " (" +
                        join(why, "; ") + ")",
                    ErrorKind::kCheckFailed));
}

Result<std::optional<std::string>> PodmanEngine::image_id(const std::string& reference) {
  std::vector<std::string> argv = {program_, "image", "exists", reference};
  auto exists = mkata::run(argv);
  if (!exists) return fail(exists.error());
  if (exists->exit_code == 1) return std::optional<std::string>{};
  if (!exists->ok()) return fail("podman image exists: " + exists->describe());
  auto id = podman({"image", "inspect", "--format", "{{.Id}}", reference});
  if (!id) return fail(id.error());
  return std::optional<std::string>{trim(*id)};
}

Result<void> PodmanEngine::load_image(const std::string& archive_path) {
  auto r = podman({"load", "--quiet", "--input", archive_path}, std::chrono::seconds(120));
  if (!r) return fail(r.error());
  return {};
}

Result<void> PodmanEngine::remove_image(const std::string& reference) {
  auto r = podman({"rmi", "--ignore", reference});
  if (!r) return fail(r.error());
  return {};
}

Result<void> PodmanEngine::run(const EngineContainer& c, long long& create_ms,
                               long long& start_ms) {
  auto t0 = Clock::now();
  auto created = podman(podman_create_args(c));
  create_ms = ms_since(t0);
  if (!created) return fail(created.error());
  auto t1 = Clock::now();
  auto started = podman({"start", c.name});
  start_ms = ms_since(t1);
  if (!started) return fail(started.error());
  return {};
}

Result<ContainerState> PodmanEngine::inspect(const std::string& name, const std::string& network) {
  auto out = podman({"container", "inspect", "--format", "json", name});
  if (!out) return fail(out.error());
  auto j = json::parse(*out, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.empty()) {
    return fail("parse container inspect: not a JSON array of one container");
  }
  return parse_container_inspect(j[0].dump(), network);
}

Result<std::string> PodmanEngine::logs(const std::string& name, int tail) {
  std::vector<std::string> argv = {program_, "logs", "--tail", std::to_string(tail), name};
  auto r = mkata::run(argv);
  if (!r) return fail(r.error());
  if (!r->ok()) return fail("podman logs: " + r->describe());
  return r->out + r->err;
}

Result<void> PodmanEngine::remove(const std::string& name) {
  auto r = podman({"rm", "--force", "--ignore", "--volumes", "--time", "0", name});
  if (!r) return fail(r.error());
  return {};
}

}  // namespace mkata::engine
