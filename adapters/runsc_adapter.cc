// See runsc_adapter.h.
#include "adapters/runsc_adapter.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/strings.h"

namespace mkata::adapters {
namespace {

using std::chrono::milliseconds;

// The exit status of a container whose state vanished (force-deleted): as if SIGKILLed.
constexpr int kVanishedExit = 137;

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::vector<std::string> with_command(std::vector<std::string> argv, const RuncCommandLine& line) {
  argv.push_back(line.command);
  argv.insert(argv.end(), line.command_args.begin(), line.command_args.end());
  return argv;
}

// "status" of `runsc state` JSON, or "" when unparsable.
std::string state_status(const std::string& json_text) {
  auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return "";
  auto it = json.find("status");
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<int> create(const RunscAdapterConfig& config, const RuncCommandLine& line,
                   AdapterSystem& system) {
  auto argv = with_command(runsc_global_argv(config, line), line);
  std::string bundle = line.flag("--bundle", "-b").value_or(".");
  auto pid_file = line.flag("--pid-file");
  auto spec = system.read_file(bundle + "/config.json");
  if (!pid_file || !spec || !is_pod_app_container(*spec)) return fail(system.exec(argv));
  auto code = system.run_inheriting(argv);
  if (!code || *code != 0) return code;
  // Problem 3: runsc wrote the sandbox's pid; the shim must watch this container instead.
  auto prefix = runsc_global_argv(config, line, /*with_log=*/false);
  std::string id = line.container_id();
  auto waiter =
      system.fork_waiter([&system, prefix, id] { return wait_for_container(system, prefix, id); });
  if (!waiter) return fail(waiter.error().wrap("create " + id));
  if (auto r = system.write_file(*pid_file, std::to_string(*waiter)); !r) {
    return fail(r.error().wrap("create " + id));
  }
  return 0;
}

// Where the bundle of a container named only by its id (`start` has no --bundle) is, and its
// spec. The runc shim runs us with --log <bundle>/log.json: the fast path. Other callers start us
// from elsewhere (Podman: conmon and podman run the runtime outside the bundle, with --log
// elsewhere or none), so the OCI state, which records the bundle's absolute path, answers then.
// Never the current directory: it is whatever the caller's is. {"", ""} when nothing knows.
struct Bundle {
  std::string dir, spec;
};
Bundle bundle_of(const RunscAdapterConfig& config, const RuncCommandLine& line,
                 AdapterSystem& system) {
  if (line.log.starts_with("/")) {
    std::string dir = dirname_of(line.log);
    if (auto spec = system.read_file(dir + "/config.json")) return {dir, *spec};
  }
  auto state = system.run_captured(
      with_command(runsc_global_argv(config, line, /*with_log=*/false),
                   RuncCommandLine{{}, "state", {line.container_id()}, {}, {}, {}}),
      kCommandTimeout);
  if (!state || !state->ok()) return {};
  auto json = nlohmann::json::parse(state->out, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return {};
  auto it = json.find("bundle");
  if (it == json.end() || !it->is_string()) return {};
  std::string dir = it->get<std::string>();
  if (!dir.starts_with("/")) return {};
  auto spec = system.read_file(dir + "/config.json");
  return {dir, spec ? *spec : ""};
}

Result<int> start(const RunscAdapterConfig& config, const RuncCommandLine& line,
                  AdapterSystem& system) {
  auto argv = with_command(runsc_global_argv(config, line), line);
  Bundle bundle = bundle_of(config, line, system);
  std::string dir = !config.output_dir.empty() ? config.output_dir
                    : !bundle.dir.empty()      ? bundle.dir
                                               : "/tmp";
  std::string output = dir + "/runsc-start-" + line.container_id() + ".out";
  // Problem 1: hide /proc/sys/net from runsc's root-netns test — but only for a pod with its
  // own netns. In the host's netns runsc's refusal is right: sandbox networking would move the
  // host's addresses into the sandbox.
  bool hide = !bundle.spec.empty() && has_own_network_namespace(bundle.spec);
  // Problem 2: output to a file, so that the shim's pipe does not end up in the sandbox.
  auto code = system.run_to_file(argv, output, hide);
  if (!code) return fail(code.error().wrap("start " + line.container_id()));
  if (*code == 0) {
    system.remove_file(output);
    return 0;
  }
  auto text = system.read_file(output);
  std::string last = text ? trim(*text) : "";
  if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
  return fail("runsc start " + line.container_id() + " failed (exit " + std::to_string(*code) +
              "): " + last + " (full output: " + output + ")");
}

Result<int> kill(const RunscAdapterConfig& config, const RuncCommandLine& line,
                 AdapterSystem& system) {
  auto result =
      system.run_captured(with_command(runsc_global_argv(config, line), line), kCommandTimeout);
  if (!result) return fail(result.error());
  if (result->ok()) return 0;
  std::string said = trim(result->err.empty() ? result->out : result->err);
  std::string why = lower(said);
  std::string signal = line.positionals.size() > 1 ? line.positionals[1] : "SIGTERM";
  bool terminating =
      signal == "9" || signal == "15" || signal.ends_with("KILL") || signal.ends_with("TERM");
  if (why.find("in state created") != std::string::npos && terminating) {
    // Problem 4: a container that never started cannot be signalled; delete it so that its
    // waiter (and the shim) see it gone.
    auto deleted = system.run_captured(
        with_command(runsc_global_argv(config, line),
                     RuncCommandLine{{}, "delete", {"--force", line.container_id()}, {}, {}, {}}),
        kCommandTimeout);
    if (!deleted || !deleted->ok()) {
      return fail("runsc kill " + line.container_id() + ": " + said +
                  "; forced delete failed too: " +
                  (deleted ? deleted->describe() : deleted.error().message()));
    }
    return fail("container not running (never started; deleted)");
  }
  if (why.find("sandbox is not running") != std::string::npos ||
      why.find("in state created") != std::string::npos) {
    return fail("container not running (runsc: " + said + ")");
  }
  // Anything else goes back to the shim in runsc's words (it recognises "does not exist").
  return fail("runsc kill " + line.container_id() + ": " + said);
}

}  // namespace

std::vector<std::string> runsc_global_argv(const RunscAdapterConfig& config,
                                           const RuncCommandLine& line, bool with_log) {
  std::vector<std::string> argv{config.runsc};
  const auto& g = line.global_flags;
  for (size_t i = 0; i < g.size(); ++i) {
    std::string name = g[i].substr(0, g[i].find('='));
    bool inline_value = g[i].find('=') != std::string::npos;
    bool drop = (name == "--root" && !config.root.empty()) ||
                (!with_log && (name == "--log" || name == "--log-format"));
    bool has_value =
        !inline_value && (name == "--root" || name == "--log" || name == "--log-format" ||
                          name == "--criu" || name == "--rootless");
    if (!drop) {
      argv.push_back(g[i]);
      if (has_value && i + 1 < g.size()) argv.push_back(g[i + 1]);
    }
    if (has_value) ++i;
  }
  if (!config.root.empty()) argv.push_back("--root=" + config.root);
  if (!config.platform.empty()) argv.push_back("--platform=" + config.platform);
  argv.insert(argv.end(), config.flags.begin(), config.flags.end());
  return argv;
}

Result<int> run_runsc_adapter(const RunscAdapterConfig& config, const RuncCommandLine& line,
                              AdapterSystem& system) {
  if (line.command == "create") return create(config, line, system);
  if (line.command == "start") return start(config, line, system);
  if (line.command == "kill") return kill(config, line, system);
  // state, delete, exec, ps, pause, resume, events, --version, ...: runsc speaks runc here.
  return fail(system.exec(with_command(runsc_global_argv(config, line), line)));
}

int wait_for_container(AdapterSystem& system, const std::vector<std::string>& prefix,
                       const std::string& id) {
  auto command = [&](const char* verb) {
    auto argv = prefix;
    argv.push_back(verb);
    argv.push_back(id);
    return argv;
  };
  // Poll fast at first (the kubelet-like caller starts the container right after creating it),
  // then back off so that a container left in "created" costs little.
  milliseconds interval(20);
  while (true) {
    auto state = system.run_captured(command("state"), kCommandTimeout);
    if (!state || !state->ok()) return kVanishedExit;
    std::string status = state_status(state->out);
    if (status != "created" && !status.empty()) break;
    system.sleep_for(interval);
    interval = std::min(interval * 2, milliseconds(500));
  }
  // `runsc wait` lasts as long as the container: never time it out (a timeout here would report
  // a running container as exited).
  auto waited = system.run_captured(command("wait"), kNoTimeout);
  if (!waited || !waited->ok()) return kVanishedExit;
  auto json = nlohmann::json::parse(waited->out, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("exitStatus") ||
      !json["exitStatus"].is_number_integer()) {
    return kVanishedExit;
  }
  return json["exitStatus"].get<int>();
}

bool has_own_network_namespace(const std::string& config_json) {
  auto json = nlohmann::json::parse(config_json, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("linux")) return false;
  const auto& linux_spec = json["linux"];
  if (!linux_spec.is_object() || !linux_spec.contains("namespaces")) return false;
  const auto& namespaces = linux_spec["namespaces"];
  if (!namespaces.is_array()) return false;
  return std::ranges::any_of(namespaces, [](const nlohmann::json& ns) {
    return ns.is_object() && ns.value("type", "") == "network";
  });
}

bool is_pod_app_container(const std::string& config_json) {
  auto json = nlohmann::json::parse(config_json, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return false;
  auto annotations = json.find("annotations");
  if (annotations == json.end() || !annotations->is_object()) return false;
  auto type = annotations->find("io.kubernetes.cri.container-type");
  return type != annotations->end() && type->is_string() && *type == "container";
}

}  // namespace mkata::adapters
