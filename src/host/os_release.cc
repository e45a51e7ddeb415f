#include "host/os_release.h"

#include "core/strings.h"

namespace mkata::host {
namespace {

// os-release values may be wrapped in single or double quotes (shell-compatible syntax).
std::string unquote(std::string value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

OsRelease parse_os_release(const std::string& text) {
  OsRelease os;
  for (const auto& raw : split(text, '\n')) {
    std::string line = trim(raw);
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = unquote(line.substr(eq + 1));
    if (key == "ID") os.id = value;
    if (key == "VERSION_ID") os.version_id = value;
    if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  return os;
}

OsRelease probe_os_release(const HostRoot& root) {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    auto text = root.read_file(path);
    if (!text) continue;
    OsRelease os = parse_os_release(*text);
    os.evidence.push_back({path, os.pretty_name.empty() ? "no PRETTY_NAME" : os.pretty_name});
    return os;
  }
  OsRelease os;
  os.evidence.push_back({"/etc/os-release", "absent"});
  return os;
}

}  // namespace mkata::host
