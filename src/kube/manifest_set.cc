// See manifest_set.h.
#include "kube/manifest_set.h"

#include <algorithm>
#include <regex>

#include "core/strings.h"
#include "image/image_set.h"
#include "node/runtime_plan.h"

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

Result<void> check_runtime(const std::string& runtime) {
  for (const char* known : node::kRuntimeNames) {
    if (runtime == known) return {};
  }
  std::vector<std::string> accepted(std::begin(node::kRuntimeNames), std::end(node::kRuntimeNames));
  return fail(
      Error::usage("unknown runtime '" + runtime + "' (accepted: " + join(accepted, ", ") + ")"));
}

// Repeats dropped, first occurrence kept (a runtime named twice runs once).
std::vector<std::string> unique(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (std::ranges::find(out, v) == out.end()) out.push_back(v);
  }
  return out;
}

}  // namespace

std::optional<node::RuntimeClassSpec> mkata_runtime_class(const std::string& runtime) {
  if (runtime == "runc") return std::nullopt;
  return node::RuntimeClassSpec{"mkata-" + runtime, runtime, node::default_overhead(runtime)};
}

Result<std::string> normalize_image_prefix(const std::string& prefix) {
  // The host part of a reference (docker/distribution's grammar, simplified), then lowercase
  // path components separated by '.', '_', '__' or '-'.
  static const std::regex kPrefix(
      R"([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*/?)");
  if (!std::regex_match(prefix, kPrefix)) {
    return fail(Error::usage("image prefix '" + prefix +
                             "': must be a registry and path such as registry.example.com/mkata/ "
                             "(letters, digits, '.', '_', '-', a ':port' after the host, '/' "
                             "between parts; path parts lowercase)"));
  }
  return prefix.ends_with('/') ? prefix : prefix + "/";
}

Result<std::string> prefixed_image(const std::string& reference, const std::string& prefix) {
  if (prefix.empty()) return reference;
  auto normalized = normalize_image_prefix(prefix);
  if (!normalized) return fail(normalized.error());
  const std::string own = std::string(image::kImageRegistry) + "/";
  if (!reference.starts_with(own)) {
    return fail(Error("image '" + reference + "': does not start with " + own));
  }
  return *normalized + reference.substr(own.size());
}

Result<std::vector<ordered_json>> render_manifest_set(const ManifestRequest& r) {
  std::vector<std::string> runtimes = unique(r.runtimes);
  if (runtimes.empty()) {
    runtimes.assign(std::begin(node::kRuntimeNames), std::end(node::kRuntimeNames));
  }
  for (const auto& rt : runtimes) {
    if (auto ok = check_runtime(rt); !ok) return fail(ok.error());
  }
  std::map<std::string, std::string> images;
  for (const char* name : {"helloworld", "autoscale"}) {
    auto ref = prefixed_image(image::image_reference(name), r.image_prefix);
    if (!ref) return fail(ref.error());
    images[name] = *ref;
  }

  KubePlacement base;
  base.run_id = r.run_id;
  base.namespace_name = r.namespace_name.empty() ? namespace_for_run(r.run_id) : r.namespace_name;
  base.image_pull_policy = r.image_pull_policy;

  // Check every placement before rendering anything.
  std::vector<KubePlacement> placements;
  std::vector<ordered_json> classes;
  for (const auto& rt : runtimes) {
    KubePlacement p = base;
    p.runtime = rt;
    if (auto reused = r.reused_runtime_classes.find(rt); reused != r.reused_runtime_classes.end()) {
      p.runtime_class = reused->second;
    } else if (auto spec = mkata_runtime_class(rt)) {
      p.runtime_class = spec->name;
      classes.push_back(render_runtime_class(spec->name, spec->handler, spec->overhead, r.run_id));
    }
    auto own = r.runtime_nodes.find(rt);
    std::vector<std::string> nodes =
        unique(own != r.runtime_nodes.end() ? own->second : r.node_names);
    if (nodes.empty()) nodes.push_back("");
    for (const auto& node : nodes) {
      p.node_name = node;
      if (auto ok = check_placement(p); !ok) return fail(ok.error());
      placements.push_back(p);
    }
  }

  std::vector<ordered_json> objects = {render_namespace(base.namespace_name, r.run_id)};
  objects.insert(objects.end(), classes.begin(), classes.end());
  std::map<std::string, std::string> names;  // object name → the node it was made for
  for (const auto& p : placements) {
    for (const auto& w : validate::validation_workloads(p.runtime, images)) {
      auto [it, fresh] = names.emplace(object_name(w, p), p.node_name);
      if (!fresh) {
        return fail(Error::usage("node names '" + it->second + "' and '" + p.node_name +
                                 "' give the same object name '" + it->first + "'"));
      }
      objects.push_back(render_deployment(w, p));
      objects.push_back(render_service(w, p));
    }
  }
  return objects;
}

}  // namespace mkata::kube
