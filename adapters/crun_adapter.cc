// See crun_adapter.h.
#include "adapters/crun_adapter.h"

#include "adapters/mount_namespace.h"

namespace mkata::adapters {

std::vector<std::string> crun_mounts_to_hide(const CrunAdapterConfig& config,
                                             const std::string& mountinfo) {
  return config.hide.empty() ? hybrid_cgroup2_mounts(mountinfo) : config.hide;
}

Error run_crun_adapter(const CrunAdapterConfig& config, const std::vector<std::string>& args,
                       AdapterSystem& system) {
  auto mountinfo = system.read_file("/proc/self/mountinfo");
  if (!mountinfo) return mountinfo.error();
  auto hide = crun_mounts_to_hide(config, *mountinfo);
  if (!hide.empty()) {
    if (auto r = system.hide_mounts(hide); !r) return r.error().wrap("prepare crun's namespace");
  }
  std::vector<std::string> argv{config.crun};
  argv.insert(argv.end(), args.begin(), args.end());
  return system.exec(argv);
}

}  // namespace mkata::adapters
