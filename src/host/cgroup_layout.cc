#include "host/cgroup_layout.h"

#include <sstream>

#include "core/strings.h"

namespace mkata::host {
namespace {

struct Mount {
  std::string point, fstype;
};

// mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER";
// /proc/mounts: "SOURCE POINT FSTYPE OPTIONS 0 0".
std::optional<Mount> parse_line(const std::string& line, bool mountinfo) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (!mountinfo) {
    if (words.size() < 3) return std::nullopt;
    return Mount{words[1], words[2]};
  }
  for (size_t i = 6; i + 1 < words.size(); ++i) {
    if (words[i] == "-" && words.size() > 4) return Mount{words[4], words[i + 1]};
  }
  return std::nullopt;
}

}  // namespace

CgroupLayout parse_cgroup_mounts(const std::string& text, bool mountinfo) {
  CgroupLayout layout;
  int v1 = 0;
  for (const auto& line : split(text, '\n')) {
    auto mount = parse_line(line, mountinfo);
    if (!mount) continue;
    if (mount->fstype == "cgroup") ++v1;
    if (mount->fstype == "cgroup2" && layout.cgroup2_mount.empty()) {
      layout.cgroup2_mount = mount->point;
    }
  }
  bool v2 = !layout.cgroup2_mount.empty();
  layout.layout = v1 && v2 ? "hybrid" : v1 ? "v1" : v2 ? "v2" : "unknown";
  std::string said = std::to_string(v1) + " cgroup (v1) mounts, " +
                     (v2 ? "cgroup2 at " + layout.cgroup2_mount : "no cgroup2 mount");
  layout.evidence.push_back({mountinfo ? "/proc/self/mountinfo" : "/proc/mounts", said});
  return layout;
}

Result<CgroupLayout> probe_cgroups(const HostRoot& root) {
  bool mountinfo = true;
  auto text = root.read_file("/proc/self/mountinfo");
  if (!text) {
    mountinfo = false;
    text = root.read_file("/proc/mounts");
  }
  if (!text) return fail(text.error().wrap("cgroup layout"));
  CgroupLayout layout = parse_cgroup_mounts(*text, mountinfo);
  if (layout.cgroup2_mount.empty()) return layout;
  std::string path = layout.cgroup2_mount + "/cgroup.controllers";
  if (auto controllers = root.read_file(path)) {
    std::istringstream in(*controllers);
    for (std::string w; in >> w;) layout.cgroup2_controllers.push_back(w);
    layout.evidence.push_back({path, layout.cgroup2_controllers.empty()
                                         ? "empty"
                                         : join(layout.cgroup2_controllers, " ")});
  } else {
    layout.evidence.push_back({path, "unreadable"});
  }
  return layout;
}

}  // namespace mkata::host
