// Distribution layouts and detection (see distribution.h). The facts are from PRODUCT.md
// ("Node configuration facts") and each distribution's documentation.
#include "node/distribution.h"

#include <charconv>

#include "core/files.h"
#include "core/strings.h"
#include "node/toml_text.h"

namespace mkata::node {

namespace {

constexpr const char* kMicrok8sTemplate = "/var/snap/microk8s/current/args/containerd-template.toml";
constexpr const char* kK3sDir = "/var/lib/rancher/k3s/agent/etc/containerd";
constexpr const char* kRke2Dir = "/var/lib/rancher/rke2/agent/etc/containerd";
constexpr const char* kK0sDropIn = "/etc/k0s/containerd.d/mkata.toml";

// The first of several systemd units whose unit file exists (agents vs servers).
std::string installed_unit(const std::string& root, const std::vector<std::string>& units) {
  for (const auto& unit : units) {
    for (const char* dir : {"/etc/systemd/system/", "/usr/local/lib/systemd/system/",
                            "/lib/systemd/system/", "/usr/lib/systemd/system/"}) {
      if (path_exists(under_root(root, dir + unit + ".service"))) return unit;
    }
  }
  return units.front();
}

// k3s/RKE2 pick config-v3.toml.tmpl when they ship containerd 2: use it when it exists or when the
// generated config says version 3.
ConfigTarget rancher_template(const std::string& root, const std::string& dir) {
  ConfigTarget target;
  target.format = ConfigFormat::kGoTemplate;
  target.template_header = "{{ template \"base\" . }}";
  std::string v3 = under_root(root, dir + "/config-v3.toml.tmpl");
  bool generated_v3 = false;
  if (auto text = read_file(under_root(root, dir + "/config.toml"))) {
    if (auto table = parse_toml_text(*text, dir + "/config.toml")) {
      generated_v3 = toml_config_version(*table) == 3;
    }
  }
  if (path_exists(v3) || generated_v3) {
    target.path = v3;
    target.schema = ConfigSchema::kV3;
  } else {
    target.path = under_root(root, dir + "/config.toml.tmpl");
    target.schema = ConfigSchema::kV2;
  }
  return target;
}

}  // namespace

std::string under_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return (ends_with(root, "/") ? root.substr(0, root.size() - 1) : root) + path;
}

Result<Distro> parse_distro(const std::string& name) {
  for (size_t i = 0; i < std::size(kDistroNames); ++i) {
    if (name == kDistroNames[i]) return static_cast<Distro>(i);
  }
  return fail(Error::usage("--distro: unknown value '" + name +
                           "' (accepted: auto, containerd, microk8s, k3s, rke2, k0s)"));
}

std::string distro_name(Distro distro) { return kDistroNames[static_cast<int>(distro)]; }

Result<Distro> detect_distro(const std::string& root) {
  std::vector<std::pair<Distro, std::string>> found;
  if (path_exists(under_root(root, kMicrok8sTemplate))) {
    found.push_back({Distro::kMicrok8s, kMicrok8sTemplate});
  }
  if (path_exists(under_root(root, kK3sDir))) found.push_back({Distro::kK3s, kK3sDir});
  if (path_exists(under_root(root, kRke2Dir))) found.push_back({Distro::kRke2, kRke2Dir});
  if (path_exists(under_root(root, "/etc/k0s"))) found.push_back({Distro::kK0s, "/etc/k0s"});
  if (found.empty()) return Distro::kContainerd;
  if (found.size() == 1) return found.front().first;
  std::vector<std::string> seen;
  for (const auto& [d, path] : found) seen.push_back(distro_name(d) + " (" + path + ")");
  return fail(Error::usage("--distro auto: found more than one distribution: " + join(seen, ", "))
                  .with_hint("choose one with --distro"));
}

DistroLayout distro_layout(Distro distro, const std::string& root, ConfigSchema containerd_schema) {
  DistroLayout layout;
  layout.distro = distro;
  switch (distro) {
    case Distro::kContainerd:
      layout.target.path = under_root(root, "/etc/containerd/config.toml");
      layout.target.schema = containerd_schema;
      layout.address = "/run/containerd/containerd.sock";
      layout.restart = {"systemctl", "restart", "containerd"};
      layout.service = "containerd.service";
      // The one on PATH; on a host mounted elsewhere, Debian's path under that root.
      layout.containerd_binary =
          root.empty() || root == "/" ? "containerd" : under_root(root, "/usr/bin/containerd");
      break;
    case Distro::kMicrok8s:
      // containerd.toml is regenerated from this template at every start of the daemon.
      layout.target.path = under_root(root, kMicrok8sTemplate);
      layout.target.schema = ConfigSchema::kV2;
      layout.address = "/var/snap/microk8s/common/run/containerd.sock";
      layout.restart = {"snap", "restart", "microk8s.daemon-containerd"};
      layout.service = "microk8s.daemon-containerd";
      layout.containerd_binary = under_root(root, "/snap/microk8s/current/bin/containerd");
      break;
    case Distro::kK3s:
    case Distro::kRke2: {
      bool k3s = distro == Distro::kK3s;
      layout.target = rancher_template(root, k3s ? kK3sDir : kRke2Dir);
      layout.address = "/run/k3s/containerd/containerd.sock";
      // containerd is a child of the k3s/rke2 service: restarting the service regenerates
      // config.toml from the template and restarts containerd.
      std::string unit = k3s ? installed_unit(root, {"k3s", "k3s-agent"})
                             : installed_unit(root, {"rke2-server", "rke2-agent"});
      layout.restart = {"systemctl", "restart", unit};
      layout.service = unit + ".service";
      layout.containerd_binary =
          under_root(root, k3s ? "/var/lib/rancher/k3s/data/current/bin/containerd"
                               : "/var/lib/rancher/rke2/bin/containerd");
      break;
    }
    case Distro::kK0s: {
      layout.target.path = under_root(root, kK0sDropIn);
      // k0s merges the drop-in's CRI runtimes into its own config, which has runc.
      layout.target.keep_default_runtime = false;
      layout.target.schema = containerd_schema;
      layout.create_parent = true;
      layout.address = "/run/k0s/containerd.sock";
      std::string unit = installed_unit(root, {"k0scontroller", "k0sworker"});
      layout.restart = {"systemctl", "restart", unit};
      layout.service = unit + ".service";
      layout.containerd_binary = under_root(root, "/var/lib/k0s/bin/containerd");
      break;
    }
  }
  return layout;
}

}  // namespace mkata::node
