// Where each Kubernetes distribution keeps containerd's configuration, how to restart it and
// where its CRI socket is — and which distribution a host runs, judged from what is on disk.
//
// The rule for every distribution is the same: edit the file the distribution reads to *generate*
// containerd's config (MicroK8s's containerd-template.toml, k3s/RKE2's config.toml.tmpl), never the
// generated file, which is overwritten at the next start. Paths are resolved under a root prefix
// so that tests can lay out a fake host in a temp directory.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "node/containerd_config.h"

namespace mkata::node {

enum class Distro { kContainerd, kMicrok8s, kK3s, kRke2, kK0s };

/// Accepted --distro values (without "auto").
inline constexpr const char* kDistroNames[] = {"containerd", "microk8s", "k3s", "rke2", "k0s"};

/// Parses a --distro value. Error (usage): "--distro: unknown value 'x' (accepted: auto, ...)".
Result<Distro> parse_distro(const std::string& name);
std::string distro_name(Distro distro);

/// Detects the distribution from files under `root` ("/" on a real host): MicroK8s's template,
/// k3s/RKE2's agent containerd dir, /etc/k0s; otherwise plain containerd. Error (usage) when more
/// than one is present, naming them and asking for --distro.
Result<Distro> detect_distro(const std::string& root);

/// Everything install needs to know about one distribution on this host.
struct DistroLayout {
  Distro distro = Distro::kContainerd;
  ConfigTarget target;       ///< the file to edit (path includes the root prefix)
  bool create_parent = false;  ///< the file's directory may be created (k0s drop-in dir)
  std::string address;       ///< the CRI socket containerd serves
  std::vector<std::string> restart;  ///< argv restarting containerd
  std::string service;       ///< what is restarted, in the user's words
  /// The containerd binary the distribution runs (under the root prefix), asked for its version
  /// when the running containerd cannot be (--no-restart, --dry-run).
  std::string containerd_binary;
};

/// The layout for a distribution. `containerd_schema`: the schema the installed containerd reads
/// (from its version), used where the file itself cannot say.
DistroLayout distro_layout(Distro distro, const std::string& root, ConfigSchema containerd_schema);

/// Joins a root prefix and an absolute path ("/" + "/etc/x" = "/etc/x").
std::string under_root(const std::string& root, const std::string& path);

}  // namespace mkata::node
