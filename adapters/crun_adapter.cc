// See crun_adapter.h.
#include "adapters/crun_adapter.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "adapters/mount_namespace.h"
#include "adapters/runc_command_line.h"

namespace mkata::adapters {
namespace {

// "1.2.0" → {1, 2}; nullopt when it does not start with two numbers.
std::optional<std::pair<int, int>> major_minor(const std::string& version) {
  int major = 0, minor = 0, used = 0;
  if (std::sscanf(version.c_str(), "%d.%d%n", &major, &minor, &used) != 2) return std::nullopt;
  return std::pair{major, minor};
}

// create/run: rewrite the bundle's ociVersion when crun would refuse it.
Result<void> present_spec_version(const CrunAdapterConfig& config,
                                  const std::vector<std::string>& args, AdapterSystem& system) {
  if (config.max_spec.empty()) return {};
  auto line = parse_runc_command_line(args);
  if (!line || (line->command != "create" && line->command != "run")) return {};
  std::string bundle = line->flag("--bundle", "-b").value_or(".");
  std::string path = bundle + "/config.json";
  auto text = system.read_file(path);
  if (!text) return {};  // crun will say what is wrong with the bundle
  auto spec = nlohmann::json::parse(*text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object() || !spec.contains("ociVersion") ||
      !spec["ociVersion"].is_string()) {
    return {};
  }
  auto shown = spec_version_for_crun(spec["ociVersion"].get<std::string>(), config.max_spec);
  if (shown.empty()) return {};
  spec["ociVersion"] = shown;
  return system.write_file(path, spec.dump());
}

}  // namespace

std::string spec_version_for_crun(const std::string& oci_version, const std::string& max_spec) {
  auto have = major_minor(oci_version);
  auto max = major_minor(max_spec + ".0");
  if (!have || !max || *have <= *max) return "";
  return std::to_string(max->first) + "." + std::to_string(max->second) + ".0";
}

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
  if (auto r = present_spec_version(config, args, system); !r) {
    return r.error().wrap("present the OCI spec version to crun");
  }
  std::vector<std::string> argv{config.crun};
  argv.insert(argv.end(), args.begin(), args.end());
  return system.exec(argv);
}

}  // namespace mkata::adapters
