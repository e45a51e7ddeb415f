// RuntimeClass manifests (see runtime_class.h).
#include "node/runtime_class.h"

#include <regex>

#include "core/strings.h"

namespace mkata::node {

std::optional<PodOverhead> default_overhead(const std::string& runtime) {
  if (runtime == "kata") return PodOverhead{"320Mi", "250m"};
  if (runtime == "gvisor") return PodOverhead{"64Mi", "100m"};
  return std::nullopt;
}

Result<std::pair<std::string, std::optional<PodOverhead>>> parse_overhead(const std::string& value) {
  static const std::regex kForm(R"(([a-z0-9][a-z0-9._-]*)=(?:(none)|([0-9]+(?:\.[0-9]+)?(?:Ki|Mi|Gi|k|M|G)?),([0-9]+(?:\.[0-9]+)?m?)))");
  std::smatch m;
  if (!std::regex_match(value, m, kForm)) {
    return fail(Error::usage("--overhead: invalid value '" + value +
                             "' (accepted: RUNTIME=MEMORY,CPU such as kata=320Mi,250m, or "
                             "RUNTIME=none)"));
  }
  if (m[2].matched) return std::pair{m[1].str(), std::optional<PodOverhead>()};
  return std::pair{m[1].str(), std::optional<PodOverhead>(PodOverhead{m[3].str(), m[4].str()})};
}

std::string render_runtime_classes(const std::vector<RuntimeClassSpec>& classes) {
  std::vector<std::string> docs;
  for (const auto& c : classes) {
    std::string doc =
        "apiVersion: node.k8s.io/v1\n"
        "kind: RuntimeClass\n"
        "metadata:\n"
        "  name: " + c.name + "\n"
        "  labels:\n"
        "    app.kubernetes.io/managed-by: mkata\n"
        "handler: " + c.handler + "\n";
    if (c.overhead) {
      doc += "overhead:\n  podFixed:\n    memory: \"" + c.overhead->memory + "\"\n    cpu: \"" +
             c.overhead->cpu + "\"\n";
    }
    docs.push_back(doc);
  }
  return join(docs, "---\n");
}

}  // namespace mkata::node
