// Everything a validation run applies to a cluster, in apply order: the run's Namespace, the
// RuntimeClasses mkata creates, then per runtime (and node) a Deployment and a Service per
// workload. `mkata manifests` prints this set and `validate --target kube` applies the same set,
// so what a reviewer reads is what runs.
//
// A RuntimeClass is rendered only for a runtime whose class the caller does not reuse: a cluster
// that already has a RuntimeClass for the handler (kata-deploy's or the MicroK8s addon's `kata`)
// keeps it, and the pods name it instead. runc needs none (the cluster default).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "kube/manifests.h"
#include "node/runtime_class.h"

namespace mkata::kube {

/// What to render.
struct ManifestRequest {
  std::string run_id = "manifests";
  std::string namespace_name;         ///< "" = namespace_for_run(run_id)
  std::vector<std::string> runtimes;  ///< empty = runc, crun, gvisor, kata
  std::string image_prefix;           ///< "" = the images' own "mkata.local/"
  std::string image_pull_policy = "IfNotPresent";
  std::vector<std::string> node_names;  ///< empty = any node; else every runtime on each node
  /// runtime → its own nodes (`--all-nodes`: only the nodes that have its handler); overrides
  /// node_names for that runtime (an empty list: any node; leave a runtime that has no node out
  /// of `runtimes`).
  std::map<std::string, std::vector<std::string>> runtime_nodes;
  /// runtime → an existing RuntimeClass to name in the pods (then none is rendered for it).
  std::map<std::string, std::string> reused_runtime_classes;
};

/// The RuntimeClass mkata creates for a runtime: "mkata-<runtime>", the handler `mkata install`
/// registers (named after the runtime, node/runtime_plan.h), install's default overhead
/// (node::default_overhead). nullopt for runc, which runs as the cluster default.
std::optional<node::RuntimeClassSpec> mkata_runtime_class(const std::string& runtime);

/// Checks an image prefix: a registry host (optionally with ":port") and path parts joined by
/// '/', such as "registry.example.com/mkata/" (the trailing '/' may be omitted). Returns it
/// ending in '/'. Usage error: "image prefix 'X': must be a registry and path such as
/// registry.example.com/mkata/ (letters, digits, '.', '_', '-', a ':port' after the host, '/'
/// between parts; path parts lowercase)".
Result<std::string> normalize_image_prefix(const std::string& prefix);

/// `reference` with its leading "mkata.local/" replaced by `prefix` (normalized); prefix "" → the
/// reference unchanged. Error: the prefix's, or "image 'x': does not start with mkata.local/".
Result<std::string> prefixed_image(const std::string& reference, const std::string& prefix);

/// The whole set, in apply order. Errors (usage, before anything is rendered): an unknown
/// runtime ("unknown runtime 'x' (accepted: runc, crun, gvisor, kata)"), a bad prefix, and
/// check_placement()'s errors.
Result<std::vector<nlohmann::ordered_json>> render_manifest_set(const ManifestRequest& request);

}  // namespace mkata::kube
