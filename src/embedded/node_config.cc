// See node_config.h.
#include "embedded/node_config.h"

namespace mkata::embedded {
namespace {

using node::toml_quote;

std::string table(const std::string& id, const std::string& sub = "") {
  return "[plugins.\"" + id + "\"" + (sub.empty() ? "" : "." + sub) + "]\n";
}

std::string runtime_settings(const NodeLayout& layout, const NodeConfigInput& input,
                             const std::string& id) {
  std::string text = "  netns_mounts_under_state_dir = true\n";
  text += "  restrict_oom_score_adj = true\n";
  text += "  enable_selinux = false\n\n";
  text += table(id, "containerd");
  if (input.schema == node::ConfigSchema::kV2) text += "  snapshotter = \"overlayfs\"\n";
  if (!input.handlers.empty()) {
    text += "  default_runtime_name = " + toml_quote(input.handlers.front().name) + "\n";
  }
  text += "\n" + table(id, "cni");
  text += "  bin_dir = " + toml_quote(input.cni_bin_dir) + "\n";
  text += "  conf_dir = " + toml_quote(layout.cni_conf_dir) + "\n";
  text += "  max_conf_num = 1\n";
  return text;
}

std::string stream_server() {
  return "  stream_server_address = \"127.0.0.1\"\n"
         "  stream_server_port = \"0\"\n";
}

}  // namespace

std::string render_node_config(const NodeLayout& layout, const NodeConfigInput& input) {
  const bool v3 = input.schema == node::ConfigSchema::kV3;
  std::string text = private_containerd_config(layout.containerd, v3 ? 3 : 2);
  const std::string grpc_cri = "io.containerd.grpc.v1.cri";
  if (!v3) {
    text += table(grpc_cri);
    text += "  sandbox_image = " + toml_quote(input.sandbox_image) + "\n";
    text += stream_server();
    text += runtime_settings(layout, input, grpc_cri);
  } else {
    const std::string images = "io.containerd.cri.v1.images";
    text += table(images);
    text += "  snapshotter = \"overlayfs\"\n\n";
    text += table(images, "pinned_images");
    text += "  sandbox = " + toml_quote(input.sandbox_image) + "\n\n";
    text += table(node::cri_runtime_plugin_id(input.schema));
    text += runtime_settings(layout, input, node::cri_runtime_plugin_id(input.schema));
    text += "\n" + table(grpc_cri);
    text += stream_server();
    text += "\n" + table("io.containerd.nri.v1.nri");
    text += "  disable = true\n";
  }
  for (const auto& handler : input.handlers) {
    text += "\n" + node::render_runtime_table(handler, input.schema);
  }
  return text;
}

}  // namespace mkata::embedded
