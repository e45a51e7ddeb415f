#include "image/oci_json.h"

#include <nlohmann/json.hpp>

namespace mkata::image {

namespace {

using nlohmann::json;

json descriptor_json(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform_os && d.platform_architecture) {
    j["platform"] = {{"os", *d.platform_os}, {"architecture", *d.platform_architecture}};
  }
  return j;
}

Descriptor descriptor_from(const json& j) {
  Descriptor d;
  d.media_type = j.at("mediaType").get<std::string>();
  d.digest = j.at("digest").get<std::string>();
  d.size = j.at("size").get<uint64_t>();
  if (j.contains("annotations")) {
    d.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
  }
  if (j.contains("platform")) {
    d.platform_os = j.at("platform").at("os").get<std::string>();
    d.platform_architecture = j.at("platform").at("architecture").get<std::string>();
  }
  return d;
}

// Compact, sorted-key output; strict UTF-8 (a bad byte is an error, not silently replaced).
Result<std::string> dump(const json& j, const char* what) {
  try {
    return j.dump();
  } catch (const json::exception& e) {
    return fail(std::string("render ") + what + ": " + e.what());
  }
}

template <typename T, typename F>
Result<T> parse_with(const std::string& text, const char* what, F&& from_json) {
  try {
    return from_json(json::parse(text));
  } catch (const json::exception& e) {
    return fail(std::string("parse ") + what + ": " + e.what());
  }
}

}  // namespace

Result<std::string> render_image_config(const ImageConfig& c) {
  json config = {{"Entrypoint", c.entrypoint},
                 {"Env", c.env},
                 {"User", c.user},
                 {"WorkingDir", c.working_dir},
                 {"StopSignal", c.stop_signal}};
  if (!c.exposed_ports.empty()) {
    json ports = json::object();
    for (const auto& p : c.exposed_ports) ports[p] = json::object();
    config["ExposedPorts"] = ports;
  }
  json history = json::array();
  for (const auto& h : c.history) history.push_back({{"created", c.created}, {"created_by", h}});
  json j = {{"architecture", c.architecture},
            {"os", c.os},
            {"created", c.created},
            {"config", config},
            {"rootfs", {{"type", "layers"}, {"diff_ids", c.diff_ids}}},
            {"history", history}};
  return dump(j, "image config");
}

Result<std::string> render_manifest(const Manifest& m) {
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(descriptor_json(l));
  json j = {{"schemaVersion", 2},
            {"mediaType", kMediaTypeManifest},
            {"config", descriptor_json(m.config)},
            {"layers", layers}};
  return dump(j, "manifest");
}

Result<std::string> render_index(const std::vector<Descriptor>& manifests) {
  json list = json::array();
  for (const auto& d : manifests) list.push_back(descriptor_json(d));
  json j = {{"schemaVersion", 2}, {"mediaType", kMediaTypeIndex}, {"manifests", list}};
  return dump(j, "index");
}

std::string render_oci_layout() { return R"({"imageLayoutVersion":"1.0.0"})"; }

Result<std::string> render_docker_manifest(const std::vector<DockerManifestEntry>& entries) {
  json list = json::array();
  for (const auto& e : entries) {
    list.push_back({{"Config", e.config}, {"RepoTags", e.repo_tags}, {"Layers", e.layers}});
  }
  return dump(list, "docker manifest");
}

Result<std::vector<DockerManifestEntry>> parse_docker_manifest(const std::string& text) {
  return parse_with<std::vector<DockerManifestEntry>>(text, "docker manifest", [](const json& j) {
    std::vector<DockerManifestEntry> list;
    for (const auto& e : j) {
      list.push_back({.config = e.at("Config").get<std::string>(),
                      .repo_tags = e.value("RepoTags", std::vector<std::string>{}),
                      .layers = e.at("Layers").get<std::vector<std::string>>()});
    }
    return list;
  });
}

Result<ImageConfig> parse_image_config(const std::string& text) {
  return parse_with<ImageConfig>(text, "image config", [](const json& j) {
    ImageConfig c;
    c.architecture = j.at("architecture").get<std::string>();
    c.os = j.at("os").get<std::string>();
    c.created = j.value("created", "");
    const json& config = j.at("config");
    c.entrypoint = config.value("Entrypoint", std::vector<std::string>{});
    c.env = config.value("Env", std::vector<std::string>{});
    c.user = config.value("User", "");
    c.working_dir = config.value("WorkingDir", "");
    c.stop_signal = config.value("StopSignal", "");
    if (config.contains("ExposedPorts")) {
      for (const auto& [port, _] : config.at("ExposedPorts").items())
        c.exposed_ports.push_back(port);
    }
    c.diff_ids = j.at("rootfs").at("diff_ids").get<std::vector<std::string>>();
    if (j.contains("history")) {
      for (const auto& h : j.at("history")) c.history.push_back(h.value("created_by", ""));
    }
    return c;
  });
}

Result<Manifest> parse_manifest(const std::string& text) {
  return parse_with<Manifest>(text, "manifest", [](const json& j) {
    Manifest m;
    m.config = descriptor_from(j.at("config"));
    for (const auto& l : j.at("layers")) m.layers.push_back(descriptor_from(l));
    return m;
  });
}

Result<std::vector<Descriptor>> parse_index(const std::string& text) {
  return parse_with<std::vector<Descriptor>>(text, "index", [](const json& j) {
    std::vector<Descriptor> list;
    for (const auto& d : j.at("manifests")) list.push_back(descriptor_from(d));
    return list;
  });
}

}  // namespace mkata::image
