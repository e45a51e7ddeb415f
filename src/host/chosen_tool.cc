// See chosen_tool.h.
#include "host/chosen_tool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/process.h"
#include "core/strings.h"

namespace mkata::host {
namespace {

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace

Result<ToolInfo> tool_named_by_flag(const std::string& flag, const std::string& tool,
                                    const std::string& value) {
  const std::string accepted =
      " (accepted: the path of a " + tool + " program whose --version prints its version)";
  auto refuse = [&](const std::string& why) {
    return fail(Error::usage(flag + " '" + value + "': " + why + accepted));
  };
  if (value.empty()) return refuse("empty");
  std::string path = value;
  if (value.find('/') == std::string::npos) {
    auto found = find_executable(value);
    if (!found) return refuse("not found in PATH");
    path = *found;
  }
  path = absolute_path(path);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return refuse("no such file");
  if (!S_ISREG(st.st_mode) || access(path.c_str(), X_OK) != 0) {
    return refuse("not an executable file");
  }
  RunOptions options;
  options.timeout = std::chrono::seconds(5);
  auto ran = run({path, "--version"}, options);
  if (!ran) return refuse("'" + path + " --version' could not run: " + ran.error().message());
  if (!ran->ok()) return refuse("'" + path + " --version' failed: " + ran->describe());
  std::string output = ran->out.empty() ? ran->err : ran->out;
  ToolInfo info;
  info.path = path;
  info.version_output = trim(output.substr(0, output.find('\n')));
  info.version = parse_version(output);
  if (info.version.empty()) {
    return refuse("'" + path + " --version' printed no version: '" + info.version_output + "'");
  }
  return info;
}

void use_tool(HostFacts& facts, const std::string& tool, const ToolInfo& chosen) {
  facts.tools.tools[tool] = chosen;
  facts.tools.evidence.push_back(
      {chosen.path, chosen.version_output + " (chosen on the command line)"});
  if (tool == "runsc") facts.gvisor = judge_gvisor_platforms(chosen, facts.kvm);
  if (tool == "containerd") {
    if (auto schema = config_schema(chosen.version)) facts.tools.containerd_config_schema = schema;
  }
}

}  // namespace mkata::host
