#include "host/check_report.h"

#include <nlohmann/json.hpp>

namespace mkata::host {
namespace {

// ordered_json keeps the documented order: verdicts first, then the facts.
using json = nlohmann::ordered_json;

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

std::string verdict_line(const std::string& name, const RuntimeVerdict& v) {
  std::string line = pad(name, 8) + (v.usable ? "usable" : "not usable: ");
  // " | " because reasons may contain ";" themselves.
  for (size_t i = 0; i < v.reasons.size(); ++i) line += (i ? " | " : "") + v.reasons[i];
  return line + "\n";
}

void append_evidence(std::string& out, const std::string& section,
                     const std::vector<Evidence>& evidence) {
  out += "  " + section + "\n";
  for (const auto& e : evidence) out += "    " + e.source + ": " + e.said + "\n";
}

std::string text_facts(const HostFacts& f) {
  std::string out = "\nEvidence (root " + f.root + ", uid " + std::to_string(f.uid) + "):\n";
  append_evidence(out, "os", f.os.evidence);
  append_evidence(out, "cpu", f.cpu.evidence);
  append_evidence(out, "kvm", f.kvm.evidence);
  append_evidence(out, "kernel", f.kernel.evidence);
  append_evidence(out, "cgroups (layout " + f.cgroups.layout + ")", f.cgroups.evidence);
  std::string schema = f.tools.containerd_config_schema
                           ? "containerd config schema v" +
                                 std::to_string(*f.tools.containerd_config_schema)
                           : "containerd config schema unknown";
  append_evidence(out, "installed (" + schema + ")", f.tools.evidence);
  append_evidence(out, "process limits", f.limits.evidence);
  if (const auto& c = f.containerd_config; c.judged) {
    out += "  containerd config (" + (c.distribution.empty() ? "?" : c.distribution) + ")\n";
    if (!c.path.empty()) out += "    " + c.path + ": " + (c.exists ? "present" : "absent") + "\n";
    out += "    containerd: " + (c.containerd.empty() ? "version unknown" : c.containerd) + "\n";
    out +=
        "    install would write: " +
        (c.schema ? "schema v" + std::to_string(*c.schema) + ": " + c.why : "nothing: " + c.why) +
        "\n";
  }
  const auto& runsc = f.tools.get("runsc");
  out += "  gvisor platforms (mkata would use: " +
         (f.gvisor.recommended.empty() ? std::string("none") : f.gvisor.recommended) +
         (runsc.installed() ? ", with " + runsc.path + " " + runsc.version : std::string()) + ")\n";
  for (const auto& p : f.gvisor.platforms) {
    out += "    " + p.name + ": " + (p.works ? "works: " : "no: ") + p.why + "\n";
  }
  return out;
}

json evidence_json(const std::vector<Evidence>& evidence) {
  json list = json::array();
  for (const auto& e : evidence) list.push_back({{"source", e.source}, {"said", e.said}});
  return list;
}

json optional_string(const std::string& value) { return value.empty() ? json() : json(value); }
template <typename T>
json optional_json(const std::optional<T>& value) { return value ? json(*value) : json(); }

json kvm_json(const KvmFacts& k) {
  const KvmIoctlResult& io = k.ioctls;
  return {{"device", {{"path", "/dev/kvm"}, {"exists", k.device.exists},
                      {"accessible", k.device.accessible}, {"detail", k.device.detail}}},
          {"ioctls", {{"opened", io.opened},
                      {"open_error", io.opened ? json() : json(errno_name(io.open_errno))},
                      {"api_version", io.opened && io.api_version >= 0 ? json(io.api_version)
                                                                       : json()},
                      {"create_vm", !io.opened ? json()
                                    : io.create_vm_ok ? json("ok")
                                                      : json(errno_name(io.create_vm_errno))}}},
          {"usable", k.usable()},
          {"module", optional_string(k.module)},
          {"nested", optional_json(k.nested)},
          {"unrestricted_guest", optional_json(k.unrestricted_guest)},
          {"evidence", evidence_json(k.evidence)}};
}

json vhost_json(const VhostFeature& v) {
  return {{"available", v.available()}, {"device", optional_string(v.device)},
          {"device_exists", v.device_exists}, {"module_loaded", v.module.loaded},
          {"module_builtin", v.module.builtin}, {"module_loadable", v.module.loadable}};
}

json kernel_json(const KernelFeatures& k) {
  return {{"release", k.release},
          {"version", k.version},
          {"vhost", vhost_json(k.vhost)},
          {"vhost_net", vhost_json(k.vhost_net)},
          {"vhost_vsock", vhost_json(k.vhost_vsock)},
          {"seccomp", k.seccomp},
          {"seccomp_actions", optional_string(k.seccomp_actions)},
          {"user_namespaces", k.user_namespaces},
          {"unprivileged_userns_clone", optional_json(k.unprivileged_userns_clone)},
          {"overlayfs", k.overlayfs},
          {"evidence", evidence_json(k.evidence)}};
}

json installed_json(const InstalledTools& t) {
  json tools = json::object();
  for (const char* name : kToolNames) {
    const ToolInfo& tool = t.get(name);
    tools[name] = {{"installed", tool.installed()}, {"path", optional_string(tool.path)},
                   {"version", optional_string(tool.version)},
                   {"version_output", optional_string(tool.version_output)}};
  }
  return {{"tools", tools},
          {"containerd_config_schema", optional_json(t.containerd_config_schema)},
          {"opt_kata", t.opt_kata},
          {"evidence", evidence_json(t.evidence)}};
}

json containerd_config_json(const ContainerdConfigFacts& c) {
  if (!c.judged) return nullptr;
  return {{"distribution", optional_string(c.distribution)},
          {"path", optional_string(c.path)},
          {"exists", c.exists},
          {"containerd", optional_string(c.containerd)},
          {"schema", optional_json(c.schema)},
          {"why", c.why}};
}

json host_json(const HostFacts& f) {
  const CpuInfo& c = f.cpu;
  json platforms = json::object();
  for (const auto& p : f.gvisor.platforms) platforms[p.name] = {{"works", p.works}, {"why", p.why}};
  return {{"os",
           {{"id", optional_string(f.os.id)},
            {"version_id", optional_string(f.os.version_id)},
            {"pretty_name", optional_string(f.os.pretty_name)},
            {"evidence", evidence_json(f.os.evidence)}}},
          {"cpu",
           {{"vendor", c.vendor},
            {"model_name", c.model_name},
            {"processors", c.processors},
            {"flags",
             {{"vmx", c.vmx},
              {"svm", c.svm},
              {"lm", c.lm},
              {"sse4_1", c.sse4_1},
              {"hypervisor", c.hypervisor}}},
            {"evidence", evidence_json(c.evidence)}}},
          {"kvm", kvm_json(f.kvm)},
          {"kernel", kernel_json(f.kernel)},
          {"cgroups",
           {{"layout", f.cgroups.layout},
            {"cgroup2_mount", optional_string(f.cgroups.cgroup2_mount)},
            {"cgroup2_controllers", f.cgroups.cgroup2_controllers},
            {"evidence", evidence_json(f.cgroups.evidence)}}},
          {"installed", installed_json(f.tools)},
          {"gvisor",
           {{"platforms", platforms}, {"recommended", optional_string(f.gvisor.recommended)}}},
          {"containerd_config", containerd_config_json(f.containerd_config)},
          {"limits",
           {{"nofile_hard", optional_json(f.limits.nofile_hard)},
            {"nproc_hard", optional_json(f.limits.nproc_hard)},
            {"cap_sys_resource", optional_json(f.limits.cap_sys_resource)},
            {"evidence", evidence_json(f.limits.evidence)}}}};
}

// What the engine targets need to know (today: Podman's --ulimit values).
json engines_json(const HostFacts& f) {
  auto note = podman_limits_note(f.limits);
  return {{"podman",
           {{"ulimit_args", podman_ulimit_args(f.limits)},
            {"notes", note ? json::array({*note}) : json::array()}}}};
}

}  // namespace

std::string render_check_text(const HostFacts& facts,
                              const std::map<std::string, RuntimeVerdict>& verdicts) {
  std::string out;
  for (const char* name : kRuntimeNames) out += verdict_line(name, verdicts.at(name));
  const RuntimeVerdict& kata = verdicts.at("kata");
  out += std::string("\n") + (kata.usable ? kKataCapable : kKataNotCapable) + "\n";
  for (const auto& r : kata.reasons) out += "  reason: " + r + "\n";
  for (const auto& n : kata.notes) out += "  note: " + n + "\n";
  for (const char* name : {"runc", "crun", "gvisor"}) {
    const RuntimeVerdict& v = verdicts.at(name);
    if (v.notes.empty()) continue;
    out += std::string("\n") + name + "\n";
    for (const auto& n : v.notes) out += "  note: " + n + "\n";
  }
  if (auto note = podman_limits_note(facts.limits)) out += "\npodman\n  note: " + *note + "\n";
  return out + text_facts(facts);
}

std::string render_check_json(const HostFacts& facts,
                              const std::map<std::string, RuntimeVerdict>& verdicts) {
  json runtimes = json::object();
  for (const char* name : kRuntimeNames) {
    const RuntimeVerdict& v = verdicts.at(name);
    runtimes[name] = {{"usable", v.usable}, {"reasons", v.reasons}, {"notes", v.notes}};
  }
  json doc = {{"schema_version", 1},
              {"root", facts.root},
              {"uid", facts.uid},
              {"runtimes", runtimes},
              {"kata_check", verdicts.at("kata").usable ? kKataCapable : kKataNotCapable},
              {"engines", engines_json(facts)},
              {"host", host_json(facts)}};
  // replace: tool output may hold invalid UTF-8; never let dump() throw.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace mkata::host
