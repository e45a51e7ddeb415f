// See kube_objects.h. nlohmann::json throws on a wrong-typed get<>; the accessors below never do,
// and parse() is the non-throwing form.
#include "kube/kube_objects.h"

#include <nlohmann/json.hpp>

#include "core/strings.h"

namespace mkata::kube {
namespace {

using nlohmann::json;

const json& at(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string text(const json& j, const char* key) {
  const json& v = at(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

// The items of a List document; error naming what was parsed.
Result<json> items_of(const std::string& document, const std::string& what) {
  auto j = json::parse(document, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("parse " + what + ": not a JSON object");
  const json& items = at(j, "items");
  if (!items.is_array()) return fail("parse " + what + ": no items list");
  return items;
}

std::optional<int> exit_code_of(const json& state) {
  const json& code = at(at(state, "terminated"), "exitCode");
  if (code.is_number_integer()) return code.get<int>();
  return std::nullopt;
}

}  // namespace

Result<std::vector<NodeFacts>> parse_nodes(const std::string& document) {
  auto items = items_of(document, "nodes");
  if (!items) return fail(items.error());
  std::vector<NodeFacts> nodes;
  for (const auto& item : *items) {
    NodeFacts n;
    n.name = text(at(item, "metadata"), "name");
    if (n.name.empty()) return fail("parse nodes: a node without metadata.name");
    n.schedulable = !at(at(item, "spec"), "unschedulable").is_boolean() ||
                    !at(at(item, "spec"), "unschedulable").get<bool>();
    const json& status = at(item, "status");
    const json& conditions = at(status, "conditions");
    if (conditions.is_array()) {
      for (const auto& c : conditions) {
        if (text(c, "type") == "Ready") n.ready = text(c, "status") == "True";
      }
    }
    const json& info = at(status, "nodeInfo");
    n.boot_id = text(info, "bootID");
    n.kernel_version = text(info, "kernelVersion");
    n.os_image = text(info, "osImage");
    n.kubelet_version = text(info, "kubeletVersion");
    n.container_runtime_version = text(info, "containerRuntimeVersion");
    const json& handlers = at(status, "runtimeHandlers");
    if (handlers.is_array()) {
      n.runtime_handlers.emplace();
      for (const auto& h : handlers) n.runtime_handlers->push_back(text(h, "name"));
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

Result<std::vector<RuntimeClassFacts>> parse_runtime_classes(const std::string& document) {
  auto items = items_of(document, "runtime classes");
  if (!items) return fail(items.error());
  std::vector<RuntimeClassFacts> classes;
  for (const auto& item : *items) {
    RuntimeClassFacts c;
    const json& metadata = at(item, "metadata");
    c.name = text(metadata, "name");
    c.handler = text(item, "handler");
    if (c.name.empty() || c.handler.empty()) {
      return fail("parse runtime classes: a RuntimeClass without metadata.name or handler");
    }
    const json& labels = at(metadata, "labels");
    c.created_by_mkata = text(labels, "app.kubernetes.io/managed-by") == "mkata";
    c.run_id = text(labels, "mkata.dev/run");
    classes.push_back(std::move(c));
  }
  return classes;
}

Result<std::vector<PodFacts>> parse_pods(const std::string& document) {
  auto items = items_of(document, "pods");
  if (!items) return fail(items.error());
  std::vector<PodFacts> pods;
  for (const auto& item : *items) {
    PodFacts p;
    p.name = text(at(item, "metadata"), "name");
    p.node_name = text(at(item, "spec"), "nodeName");
    const json& status = at(item, "status");
    p.pod_ip = text(status, "podIP");
    p.phase = text(status, "phase");
    const json& conditions = at(status, "conditions");
    if (conditions.is_array()) {
      for (const auto& c : conditions) {
        if (text(c, "type") == "Ready") p.ready = text(c, "status") == "True";
      }
    }
    const json& containers = at(status, "containerStatuses");
    if (containers.is_array()) {
      for (const auto& c : containers) {
        ContainerFacts f;
        f.name = text(c, "name");
        f.ready = at(c, "ready").is_boolean() && at(c, "ready").get<bool>();
        const json& waiting = at(at(c, "state"), "waiting");
        f.waiting_reason = text(waiting, "reason");
        f.waiting_message = text(waiting, "message");
        f.exit_code = exit_code_of(at(c, "state"));
        if (!f.exit_code) f.exit_code = exit_code_of(at(c, "lastState"));
        const json& restarts = at(c, "restartCount");
        if (restarts.is_number_integer()) f.restart_count = restarts.get<int>();
        p.containers.push_back(std::move(f));
      }
    }
    pods.push_back(std::move(p));
  }
  return pods;
}

Result<std::vector<EventFacts>> parse_events(const std::string& document) {
  auto items = items_of(document, "events");
  if (!items) return fail(items.error());
  std::vector<EventFacts> events;
  for (const auto& item : *items) {
    const json& object = at(item, "involvedObject");
    events.push_back({text(object, "kind") + "/" + text(object, "name"), text(item, "type"),
                      text(item, "reason"), text(item, "message")});
  }
  return events;
}

Result<std::vector<std::string>> parse_names(const std::string& document, const std::string& what) {
  auto items = items_of(document, what);
  if (!items) return fail(items.error());
  std::vector<std::string> names;
  for (const auto& item : *items) {
    std::string name = text(at(item, "metadata"), "name");
    if (name.empty()) return fail("parse " + what + ": an item without metadata.name");
    names.push_back(name);
  }
  return names;
}

Result<std::string> parse_server_version(const std::string& document) {
  auto j = json::parse(document, nullptr, false);
  std::string version = j.is_discarded() ? "" : text(at(j, "serverVersion"), "gitVersion");
  if (version.empty()) return fail("parse kubectl version: no serverVersion.gitVersion");
  return version;
}

std::string explain_pod(const PodFacts& pod, const std::vector<EventFacts>& events) {
  std::vector<std::string> parts;
  if (pod.node_name.empty()) parts.push_back("not scheduled");
  for (const auto& c : pod.containers) {
    if (!c.waiting_reason.empty()) {
      parts.push_back("container " + c.name + " waiting: " + c.waiting_reason +
                      (c.waiting_message.empty() ? "" : " (" + c.waiting_message + ")"));
    }
    if (c.exit_code) {
      parts.push_back(
          "container " + c.name + " exited with code " + std::to_string(*c.exit_code) +
          (c.restart_count ? " (restarted " + std::to_string(c.restart_count) + "×)" : ""));
    }
  }
  for (const auto& e : events) {
    if (e.type == "Warning" && e.object == "Pod/" + pod.name) {
      parts.push_back("Warning " + e.reason + ": " + e.message);
    }
  }
  if (parts.empty()) parts.push_back("phase " + (pod.phase.empty() ? "unknown" : pod.phase));
  return "pod " + pod.name + ": " + join(parts, "; ");
}

}  // namespace mkata::kube
