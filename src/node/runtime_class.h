// Kubernetes RuntimeClass manifests (node.k8s.io/v1) for the handlers mkata installs, ready for
// `kubectl apply -f`. `handler` is the containerd runtimes key; `overhead.podFixed` tells the
// scheduler and the kubelet what a sandbox costs beyond its containers' requests:
//   kata   320Mi / 250m — kata-deploy's values for QEMU (PRODUCT.md);
//   gvisor  64Mi / 100m — LAB-NOTES.md measured a gVisor pod at 49.9 MiB PSS against 13.7 MiB for
//                          the same pod under runc: ~36 MiB of Sentry and Gofer, rounded up to
//                          64Mi for growth under load; 100m for the Sentry's syscall handling
//                          (its ptrace platform, the only one here, is CPU-heavy);
//   runc, crun: no overhead (the container is the pod).
// Every default can be overridden per runtime.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::node {

/// A pod's fixed overhead (Kubernetes quantities).
struct PodOverhead {
  std::string memory;
  std::string cpu;
};

/// mkata's default overhead for a runtime (nullopt: none).
std::optional<PodOverhead> default_overhead(const std::string& runtime);

/// Parses an --overhead value "RT=MEMORY,CPU" or "RT=none". Error (usage) names the value and the
/// accepted forms, e.g. "--overhead: invalid value 'kata=lots' (accepted: RUNTIME=MEMORY,CPU such
/// as kata=320Mi,250m, or RUNTIME=none)".
Result<std::pair<std::string, std::optional<PodOverhead>>> parse_overhead(const std::string& value);

/// One RuntimeClass to render.
struct RuntimeClassSpec {
  std::string name;     ///< metadata.name (what pods put in runtimeClassName)
  std::string handler;  ///< the containerd runtimes key
  std::optional<PodOverhead> overhead;
};

/// YAML of the RuntimeClasses, separated by "---".
std::string render_runtime_classes(const std::vector<RuntimeClassSpec>& classes);

}  // namespace mkata::node
