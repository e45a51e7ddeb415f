// See adapter_config.h. A line format rather than TOML keeps the adapters tiny and their start
// fast (they run on every container operation) and needs no library.
#include "adapters/adapter_config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::adapters {

Result<ConfigValues> parse_config(const std::string& text, const std::string& source,
                                  const std::vector<std::string>& accepted) {
  ConfigValues values;
  auto lines = split(text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string line = trim(lines[n]);
    if (line.empty() || line[0] == '#') continue;
    std::string where = source + " line " + std::to_string(n + 1);
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return fail(where + ": expected `key = value`, got \"" + line + "\"");
    }
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (std::ranges::find(accepted, key) == accepted.end()) {
      return fail(where + ": unknown key \"" + key + "\" (accepted: " + join(accepted, ", ") + ")");
    }
    values[key].push_back(value);
  }
  return values;
}

namespace {
// The last value of a key (a later line overrides an earlier one), or `fallback`.
std::string last(const ConfigValues& values, const std::string& key, const std::string& fallback) {
  auto it = values.find(key);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}
}  // namespace

Result<RunscAdapterConfig> runsc_config_from(const std::string& text, const std::string& source) {
  auto values =
      parse_config(text, source, {"runsc", "platform", "root", "flag", "output_dir", "trace"});
  if (!values) return fail(values.error());
  RunscAdapterConfig config;
  config.runsc = last(*values, "runsc", config.runsc);
  config.platform = last(*values, "platform", config.platform);
  config.root = last(*values, "root", "");
  config.output_dir = last(*values, "output_dir", "");
  config.trace = last(*values, "trace", "");
  if (values->contains("flag")) config.flags = values->at("flag");
  for (const auto& f : config.flags) {
    if (!f.starts_with("--")) {
      return fail(source + ": flag \"" + f + "\" is not a runsc flag (expected --name=value)");
    }
  }
  return config;
}

Result<CrunAdapterConfig> crun_config_from(const std::string& text, const std::string& source) {
  auto values = parse_config(text, source, {"crun", "hide", "max_spec"});
  if (!values) return fail(values.error());
  CrunAdapterConfig config;
  config.crun = last(*values, "crun", config.crun);
  config.max_spec = last(*values, "max_spec", config.max_spec);
  if (values->contains("hide")) config.hide = values->at("hide");
  return config;
}

std::string find_config_file(const std::string& env_name, const std::string& argv0) {
  if (const char* env = std::getenv(env_name.c_str()); env && *env) return env;
  if (argv0.find('/') != std::string::npos && path_exists(argv0 + ".conf")) return argv0 + ".conf";
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string path(exe, static_cast<size_t>(n));
    if (path_exists(path + ".conf")) return path + ".conf";
  }
  return "";
}

}  // namespace mkata::adapters
