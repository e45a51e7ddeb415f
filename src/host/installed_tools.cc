#include "host/installed_tools.h"

#include <cctype>
#include <future>
#include <sstream>

#include "core/strings.h"

namespace mkata::host {
namespace {

// containerd-shim-runsc-v1 has no --version (it would start serving); its presence is enough.
bool reports_version(const std::string& name) { return name != "containerd-shim-runsc-v1"; }

std::string strip_prefix(std::string token) {
  for (const char* prefix : {"release-", "v", "0.0~"}) {
    if (starts_with(token, prefix) && token.size() > std::string(prefix).size() &&
        std::isdigit(static_cast<unsigned char>(token[std::string(prefix).size()]))) {
      token = token.substr(std::string(prefix).size());
    }
  }
  return token;
}

std::string find_tool(const HostRoot& root, const std::string& name) {
  for (const char* dir : kToolDirs) {
    std::string path = std::string(dir) + "/" + name;
    if (root.is_executable(path)) return path;
  }
  return "";
}

}  // namespace

const ToolInfo& InstalledTools::get(const std::string& name) const {
  static const ToolInfo kNone;
  auto it = tools.find(name);
  return it == tools.end() ? kNone : it->second;
}

std::optional<int> config_schema(const std::string& containerd_version) {
  if (starts_with(containerd_version, "1.")) return 2;
  if (starts_with(containerd_version, "2.")) return 3;
  return std::nullopt;
}

std::string parse_version(const std::string& output) {
  std::istringstream in(output);
  for (std::string word; in >> word;) {
    while (!word.empty() && (word.back() == ',' || word.back() == ';')) word.pop_back();
    std::string token = strip_prefix(word);
    if (!token.empty() && std::isdigit(static_cast<unsigned char>(token[0]))) return token;
  }
  return "";
}

InstalledTools probe_tools(const HostRoot& root) {
  InstalledTools result;
  std::map<std::string, std::future<Result<std::string>>> pending;
  for (const char* name : kToolNames) {
    ToolInfo& tool = result.tools[name];
    tool.path = find_tool(root, name);
    if (!tool.installed() || !reports_version(name)) continue;
    // Each --version costs a fork/exec (~10-20 ms for Go binaries): run them side by side.
    pending[name] = std::async(kParallel,
                               [&root, path = tool.path] { return root.tool_version(path); });
  }
  for (auto& [name, future] : pending) {
    ToolInfo& tool = result.tools[name];
    auto output = future.get();
    std::string text = output ? *output : output.error().message();
    tool.version_output = trim(text.substr(0, text.find('\n')));
    if (output) tool.version = parse_version(*output);
  }
  for (const char* name : kToolNames) {
    const ToolInfo& tool = result.tools[name];
    if (!tool.installed()) {
      result.evidence.push_back({name, "not found in " + join({std::begin(kToolDirs),
                                                                std::end(kToolDirs)}, ":")});
    } else {
      result.evidence.push_back({tool.path, tool.version_output.empty() ? "present"
                                                                        : tool.version_output});
    }
  }
  result.containerd_config_schema = config_schema(result.get("containerd").version);
  result.opt_kata = root.exists("/opt/kata");
  result.evidence.push_back({"/opt/kata", result.opt_kata ? "present" : "absent"});
  return result;
}

}  // namespace mkata::host
