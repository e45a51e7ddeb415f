// See node_config.h.
#include "embedded/node_config.h"

namespace mkata::embedded {

std::string render_node_config(const NodeLayout& layout, const NodeConfigInput& input) {
  using node::toml_quote;
  const std::string cri = "[plugins.\"io.containerd.grpc.v1.cri\"]\n";
  std::string text = private_containerd_config(layout.containerd);
  text += cri;
  text += "  sandbox_image = " + toml_quote(input.sandbox_image) + "\n";
  text += "  stream_server_address = \"127.0.0.1\"\n";
  text += "  stream_server_port = \"0\"\n";
  text += "  netns_mounts_under_state_dir = true\n";
  text += "  restrict_oom_score_adj = true\n";
  text += "  enable_selinux = false\n\n";
  text += "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n";
  text += "  snapshotter = \"overlayfs\"\n";
  if (!input.handlers.empty()) {
    text += "  default_runtime_name = " + toml_quote(input.handlers.front().name) + "\n";
  }
  text += "\n[plugins.\"io.containerd.grpc.v1.cri\".cni]\n";
  text += "  bin_dir = " + toml_quote(input.cni_bin_dir) + "\n";
  text += "  conf_dir = " + toml_quote(layout.cni_conf_dir) + "\n";
  text += "  max_conf_num = 1\n";
  for (const auto& handler : input.handlers) {
    text += "\n" + node::render_runtime_table(handler, node::ConfigSchema::kV2);
  }
  return text;
}

}  // namespace mkata::embedded
