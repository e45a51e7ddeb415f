// See sandbox_platform.h. nlohmann::json throws; the one parse here is wrapped.
#include "validate/sandbox_platform.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "embedded/host_state.h"

namespace mkata::validate {
namespace {

// Direct children of pid (from /proc/<n>/stat's ppid field).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    char* end = nullptr;
    long pid = std::strtol(e.path().filename().c_str(), &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    std::ifstream stat(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    auto fields = split(trim(text.substr(close + 1)), ' ');
    if (fields.size() > 1 && std::atol(fields[1].c_str()) == parent) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  return found;
}

// A numeric field of /proc/<pid>/status ("TracerPid", "Tgid"); 0 when absent.
long status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (starts_with(line, field + ":")) return std::atol(line.substr(field.size() + 1).c_str());
  }
  return 0;
}

}  // namespace

Result<pid_t> sandbox_pid_of(const cri::StringMap& info) {
  auto it = info.find("info");
  if (it == info.end()) return fail("PodSandboxStatus info has no sandbox pid (no \"info\" key)");
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() ||
      j["pid"].get<long long>() <= 0) {
    return fail("PodSandboxStatus info has no sandbox pid");
  }
  return static_cast<pid_t>(j["pid"].get<long long>());
}

std::string platform_flag(const std::vector<std::string>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const auto& a = argv[i];
    if (!starts_with(a, "-")) break;  // the subcommand: its own flags follow
    for (const char* flag : {"--platform=", "-platform="}) {
      if (starts_with(a, flag)) return a.substr(std::string(flag).size());
    }
    if ((a == "--platform" || a == "-platform") && i + 1 < argv.size()) return argv[i + 1];
  }
  return "";
}

Result<PlatformProof> gvisor_platform_of_pod(const cri::CriClient& client,
                                             const std::string& pod_id) {
  auto context = "read the gVisor platform of pod " + pod_id.substr(0, 12);
  auto status = client.pod_status(pod_id, /*verbose=*/true);
  if (!status) return fail(status.error().wrap(context));
  auto pid = sandbox_pid_of(status->info);
  if (!pid) return fail(pid.error().wrap(context));
  std::vector<pid_t> candidates = {*pid};
  for (pid_t child : children_of(*pid)) candidates.push_back(child);
  for (pid_t p : candidates) {
    auto argv = embedded::process_argv(p);
    auto platform = platform_flag(argv);
    if (platform.empty()) continue;
    std::string program = argv.empty() ? "?" : std::filesystem::path(argv[0]).filename().string();
    return PlatformProof{platform, "/proc/" + std::to_string(p) + "/cmdline of " + program +
                                       (p == *pid ? " (the pod's sandbox task, pid from "
                                                    "PodSandboxStatus)"
                                                  : " (a child of the pod's sandbox task " +
                                                        std::to_string(*pid) + ")") +
                                       ": --platform=" + platform};
  }
  // Older runsc (20221219) passes only the flags that differ from its defaults, and ptrace was
  // its default. The kernel still shows the ptrace platform: the sandbox traces its stub
  // processes (their TracerPid is a thread of the sandbox); systrap and kvm trace nothing.
  for (pid_t child : children_of(*pid)) {
    long tracer = status_field(child, "TracerPid");
    if (tracer > 0 && status_field(static_cast<pid_t>(tracer), "Tgid") == *pid) {
      return PlatformProof{"ptrace", "no --platform on the command line of sandbox task " +
                                         std::to_string(*pid) + " (runsc's default); its stub " +
                                         std::to_string(child) +
                                         " is ptrace-traced by it (/proc/" +
                                         std::to_string(child) + "/status TracerPid " +
                                         std::to_string(tracer) + ")"};
    }
  }
  return fail(context + ": no --platform flag on the command line of sandbox task " +
              std::to_string(*pid) + " or its children, and no stub traced by it");
}

}  // namespace mkata::validate
