// Rendering of runtime handlers as TOML tables (see runtime_handler.h).
#include "node/runtime_handler.h"

#include <cstdio>

namespace mkata::node {

namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// A handler name is a bare TOML key when it can be; names with '.' must be quoted, or TOML would
// read them as nested tables.
std::string toml_key(const std::string& key) {
  for (char c : key) {
    if (!is_bare_key_char(c)) return toml_quote(key);
  }
  return key.empty() ? toml_quote(key) : key;
}

std::string render_value(const std::variant<std::string, bool>& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return toml_quote(std::get<std::string>(value));
}

RuntimeHandler make_handler(const std::string& name, const std::string& runtime_type) {
  RuntimeHandler h;
  h.name = name;
  h.runtime_type = runtime_type;
  return h;
}

}  // namespace

std::string cri_runtime_plugin_id(ConfigSchema schema) {
  return schema == ConfigSchema::kV3 ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
}

std::string runtime_table_path(ConfigSchema schema, const std::string& handler) {
  return "plugins.\"" + cri_runtime_plugin_id(schema) + "\".containerd.runtimes." +
         toml_key(handler);
}

std::optional<std::string> RuntimeHandler::option(const std::string& key) const {
  for (const auto& o : options) {
    if (o.key == key) {
      if (const auto* s = std::get_if<std::string>(&o.value)) return *s;
      return std::get<bool>(o.value) ? "true" : "false";
    }
  }
  return std::nullopt;
}

std::string toml_quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string render_runtime_table(const RuntimeHandler& handler, ConfigSchema schema) {
  std::string path = runtime_table_path(schema, handler.name);
  std::string out = "[" + path + "]\n";
  out += "  runtime_type = " + toml_quote(handler.runtime_type) + "\n";
  if (!handler.runtime_path.empty()) {
    out += "  runtime_path = " + toml_quote(handler.runtime_path) + "\n";
  }
  if (handler.privileged_without_host_devices) out += "  privileged_without_host_devices = true\n";
  if (!handler.pod_annotations.empty()) {
    out += "  pod_annotations = [";
    for (size_t i = 0; i < handler.pod_annotations.size(); ++i) {
      out += (i ? ", " : "") + toml_quote(handler.pod_annotations[i]);
    }
    out += "]\n";
  }
  if (!handler.options.empty()) {
    out += "  [" + path + ".options]\n";
    for (const auto& o : handler.options) {
      out += "    " + toml_key(o.key) + " = " + render_value(o.value) + "\n";
    }
  }
  return out;
}

Result<void> validate_handler(const RuntimeHandler& handler) {
  bool ok = !handler.name.empty() && handler.name.size() <= 63;
  for (char c : handler.name) ok = ok && (is_bare_key_char(c) || c == '.');
  if (!ok) {
    return fail(Error::usage("invalid runtime handler name '" + handler.name +
                             "' (accepted: 1 to 63 characters of A-Z a-z 0-9 _ . -)"));
  }
  if (handler.runtime_type.empty()) {
    return fail(Error::usage("runtime handler '" + handler.name + "' has no runtime_type"));
  }
  return {};
}

RuntimeHandler runc_handler(const std::string& name, const std::string& binary) {
  RuntimeHandler h = make_handler(name, "io.containerd.runc.v2");
  if (!binary.empty()) h.options.push_back({"BinaryName", binary});
  return h;
}

RuntimeHandler crun_handler(const std::string& name, const std::string& binary) {
  RuntimeHandler h = make_handler(name, "io.containerd.runc.v2");
  h.options.push_back({"BinaryName", binary.empty() ? std::string("crun") : binary});
  return h;
}

RuntimeHandler gvisor_handler(bool runsc_shim, const std::string& binary,
                              const std::string& name) {
  if (runsc_shim) return make_handler(name, "io.containerd.runsc.v1");
  RuntimeHandler h = make_handler(name, "io.containerd.runc.v2");
  h.options.push_back({"BinaryName", binary});
  return h;
}

RuntimeHandler kata_handler(const std::string& config_path, const std::string& name) {
  RuntimeHandler h = make_handler(name, "io.containerd.kata.v2");
  h.privileged_without_host_devices = true;
  h.pod_annotations = {"io.katacontainers.*"};
  if (!config_path.empty()) h.options.push_back({"ConfigPath", config_path});
  return h;
}

}  // namespace mkata::node
