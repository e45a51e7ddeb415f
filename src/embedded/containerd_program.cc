// See containerd_program.h.
#include "embedded/containerd_program.h"

#include <cstdlib>
#include <filesystem>

#include "core/process.h"
#include "host/chosen_tool.h"
#include "node/distribution.h"

namespace mkata::embedded {

std::string ContainerdProgram::dir() const {
  return std::filesystem::path(path).parent_path().string();
}

std::vector<std::string> containerd_env(const std::string& program_path) {
  std::string dir = std::filesystem::path(program_path).parent_path().string();
  if (dir.empty()) return {};  // a bare name: found in PATH, nothing to put first
  const char* inherited = std::getenv("PATH");
  std::string path = inherited && *inherited
                         ? std::string(inherited)
                         : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  return {"PATH=" + dir + ":" + path};
}

Result<ContainerdProgram> choose_containerd(const std::string& value) {
  std::string given = value;
  if (given.empty()) {
    auto found = find_executable("containerd");
    if (!found) {
      return fail(
          Error::usage("containerd is not installed (not found in PATH; give "
                       "--containerd PATH)"));
    }
    given = *found;
  }
  auto tool = host::tool_named_by_flag("--containerd", "containerd", given);
  if (!tool) return fail(tool.error());
  // `node down` recognises the node's containerd by its program name (node_teardown.h).
  if (std::filesystem::path(tool->path).filename() != "containerd") {
    return fail(Error::usage("--containerd '" + value +
                             "': the program must be named containerd (accepted: the path of a "
                             "containerd program whose --version prints its version)"));
  }
  auto schema = node::schema_for_containerd_version(tool->version_output);
  if (!schema) {
    return fail(Error::usage("--containerd '" + value + "': " + schema.error().message() +
                             " (accepted: the path of a containerd program whose --version "
                             "prints its version)"));
  }
  return ContainerdProgram{tool->path, tool->version, *schema};
}

}  // namespace mkata::embedded
