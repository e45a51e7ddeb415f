// mkata manifests: print the Kubernetes objects `validate --target kube` applies (the run's
// Namespace, the RuntimeClasses mkata creates, a Deployment and a Service per workload and
// runtime), as YAML for review and GitOps, or as one JSON List (--json) for tools. Thin: parse,
// call kube::render_manifest_set, print on stdout. See docs/kube.md.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "kube/manifest_set.h"

namespace mkata::cli {

Result<int> manifests_command(const CommandArgs& args) {
  ArgParser parser("manifests",
                   "print the Kubernetes objects validate --target kube applies: Namespace, "
                   "RuntimeClasses, a Deployment and a Service per workload and runtime");
  kube::ManifestRequest request;
  bool json = false;
  parser.repeated("runtime", &request.runtimes, "RT",
                  "runtime to render (repeatable; default: all four)");
  parser.choices("runtime", {"runc", "crun", "gvisor", "kata"});
  parser.option("image-prefix", &request.image_prefix, "PREFIX",
                "replace mkata.local/ in the image references, e.g. registry.example.com/mkata/");
  parser.option("pull-policy", &request.image_pull_policy, "POLICY",
                "imagePullPolicy (default IfNotPresent; Never for images imported into the node)");
  parser.choices("pull-policy", {"Never", "IfNotPresent", "Always"});
  parser.option("run-id", &request.run_id, "ID",
                "the run's id: label mkata.dev/run, namespace mkata-validate-ID (default: "
                "manifests)");
  parser.option("namespace", &request.namespace_name, "NAME",
                "the namespace (default: mkata-validate-<run id>)");
  parser.repeated("node", &request.node_names, "NAME",
                  "pin the pods to this node (kubernetes.io/hostname; repeatable: one set per "
                  "node; default: any node)");
  parser.flag("json", &json, "print one JSON List (kind: List) instead of YAML");
  auto go = parser.parse(args);
  if (!go) return fail(go.error());
  if (!*go) return kExitOk;

  auto objects = kube::render_manifest_set(request);
  if (!objects) return fail(usage_error("manifests", objects.error().message()));
  if (json) {
    std::printf("%s\n", kube::list_of(*objects).dump(2).c_str());
  } else {
    std::fputs(kube::to_yaml(*objects).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace mkata::cli
