// libFuzzer target for the memory guard's parsers: any bytes as /proc/self/cgroup and
// /proc/self/mountinfo (split at the first NUL) and as a limit file must never crash, and the
// directories found must run from a cgroup up through its ancestors (ASan/UBSan watch the rest).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "workload/memory_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find('\0');
  std::string_view self_cgroup = text.substr(0, split);
  std::string_view mountinfo = split == std::string_view::npos ? "" : text.substr(split + 1);
  auto dirs = mkata::workload::memory_cgroup_dirs(self_cgroup, mountinfo);
  for (std::size_t i = 1; i < dirs.size(); ++i) {
    // Within one hierarchy each directory is the parent of the one before.
    if (dirs[i].v2 == dirs[i - 1].v2 && dirs[i - 1].path.rfind(dirs[i].path, 0) != 0) std::abort();
  }
  std::uint64_t bytes = 0;
  if (mkata::workload::parse_memory_limit(self_cgroup, bytes) && bytes != UINT64_MAX &&
      bytes >= (1ull << 62))
    std::abort();
  return 0;
}
