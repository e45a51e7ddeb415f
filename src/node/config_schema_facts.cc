#include "node/config_schema_facts.h"

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"

namespace mkata::node {

ConfigReader containerd_binary_reader(const DistroLayout& layout) {
  const std::string& binary = layout.containerd_binary;
  if (binary.empty() || !find_executable(binary)) return {};
  auto out = run_checked({binary, "--version"});
  if (!out) return {};
  // "containerd github.com/containerd/containerd/v2 2.1.9+unknown" → its third word.
  auto words = split(trim(*out), ' ');
  if (words.size() < 3) return {};
  return {words[2], "(" + binary + " --version)"};
}

host::ContainerdConfigFacts judge_containerd_config(const std::string& root) {
  host::ContainerdConfigFacts facts;
  facts.judged = true;
  auto distro = detect_distro(root);
  if (!distro) {
    facts.why = distro.error().message();
    return facts;
  }
  DistroLayout layout = distro_layout(*distro, root, ConfigSchema::kV2);
  facts.distribution = distro_name(*distro);
  facts.path = layout.target.path;
  std::optional<std::string> current;
  if (path_exists(facts.path)) {
    auto text = read_file(facts.path);
    if (!text) {
      facts.why = text.error().message();
      return facts;
    }
    facts.exists = true;
    current = *text;
  }
  ConfigReader reader = containerd_binary_reader(layout);
  if (!reader.version.empty()) facts.containerd = reader.version + " " + reader.where;
  auto choice = choose_config_schema(layout.target, current, reader);
  if (!choice) {
    facts.why = choice.error().message();
    return facts;
  }
  facts.schema = static_cast<int>(choice->schema);
  facts.why = choice->why;
  return facts;
}

}  // namespace mkata::node
