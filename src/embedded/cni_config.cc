// See cni_config.h. Built with nlohmann::json (no exception can escape: every value is a string,
// bool or nested object built here, so dump() cannot throw on invalid UTF-8 from the options,
// which NodeOptions::validate() restricts to ASCII).
#include "embedded/cni_config.h"

#include <nlohmann/json.hpp>

namespace mkata::embedded {

std::string render_cni_conflist(const NodeLayout& layout) {
  using nlohmann::json;
  json bridge = {
      {"type", "bridge"},
      {"bridge", layout.options.bridge},
      {"isGateway", true},
      {"ipMasq", false},
      {"hairpinMode", true},
      {"ipam",
       {{"type", "host-local"},
        {"dataDir", layout.cni_ipam_dir},
        {"ranges", json::array({json::array({{{"subnet", layout.options.subnet}}})})},
        {"routes", json::array({{{"dst", "0.0.0.0/0"}}})}}},
  };
  json portmap = {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}};
  json conflist = {
      {"cniVersion", "0.4.0"},
      {"name", layout.options.network_name},
      {"plugins", json::array({bridge, portmap})},
  };
  return conflist.dump(2) + "\n";
}

std::string cni_conflist_name(const NodeLayout& layout) {
  return "10-" + layout.options.network_name + ".conflist";
}

}  // namespace mkata::embedded
