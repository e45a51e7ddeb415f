// See crun_adapter.h.
#include "adapters/crun_adapter.h"

#include <nlohmann/json.hpp>

#include "adapters/mount_namespace.h"
#include "adapters/runc_command_line.h"

namespace mkata::adapters {

std::optional<std::string> relabel_oci_version(const std::string& config_json) {
  // ordered_json keeps the keys in the file's order: only the label changes.
  auto spec = nlohmann::ordered_json::parse(config_json, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return std::nullopt;
  auto it = spec.find("ociVersion");
  if (it == spec.end() || !it->is_string()) return std::nullopt;
  if (it->get<std::string>().find("1.0") != std::string::npos) return std::nullopt;
  *it = "1.0.2-dev";
  return spec.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<std::string> crun_mounts_to_hide(const CrunAdapterConfig& config,
                                             const std::string& mountinfo) {
  return config.hide.empty() ? hybrid_cgroup2_mounts(mountinfo) : config.hide;
}

Error run_crun_adapter(const CrunAdapterConfig& config, const std::vector<std::string>& args,
                       AdapterSystem& system) {
  auto mountinfo = system.read_file("/proc/self/mountinfo");
  if (!mountinfo) return mountinfo.error();
  if (auto line = parse_runc_command_line(args);
      line && (line->command == "create" || line->command == "run")) {
    std::string spec_path = line->flag("--bundle", "-b").value_or(".") + "/config.json";
    if (auto spec = system.read_file(spec_path)) {
      if (auto relabelled = relabel_oci_version(*spec)) {
        if (auto r = system.write_file(spec_path, *relabelled); !r) {
          return r.error().wrap("relabel the ociVersion of " + spec_path);
        }
      }
    }
  }
  auto hide = crun_mounts_to_hide(config, *mountinfo);
  if (!hide.empty()) {
    if (auto r = system.hide_mounts(hide); !r) return r.error().wrap("prepare crun's namespace");
  }
  std::vector<std::string> argv{config.crun};
  argv.insert(argv.end(), args.begin(), args.end());
  return system.exec(argv);
}

}  // namespace mkata::adapters
