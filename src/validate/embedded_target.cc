// See embedded_target.h.
#include "validate/embedded_target.h"

#include "core/files.h"
#include "core/strings.h"
#include "validate/pod_run.h"
#include "validate/sandbox_platform.h"

namespace mkata::validate {
namespace {

PodRun pod_run_of(const Deployment& d) {
  PodRun run;
  run.workload = d.workload;
  run.pod_id = d.id;
  run.ip = d.address;
  return run;
}

}  // namespace

EmbeddedTarget::EmbeddedTarget(EmbeddedTargetOptions options)
    : options_(std::move(options)), layout_(embedded::NodeLayout::of(options_.node)) {}

RuntimeChoice EmbeddedTarget::choose(const std::string& runtime, const host::HostFacts& facts,
                                     const host::RuntimeVerdict& verdict) {
  if (!tools_) tools_ = facts.tools;
  if (auto o = options_.handler_overrides.find(runtime); o != options_.handler_overrides.end()) {
    auto h = o->second;
    if (h.runtime_type == "io.containerd.runc.v2" && !h.option("Root")) {
      h.options.push_back({"Root", layout_.runtime_root(h.name)});
    }
    handlers_[runtime] = embedded::NodeHandler{runtime, h};
    return {true, h.name, ""};
  }
  if (!verdict.usable) return {false, "", join(verdict.reasons, "; ")};
  auto h = embedded::handler_for_runtime(runtime, facts, layout_);
  if (!h) return {false, "", h.error().message()};
  handlers_[runtime] = *h;
  return {true, h->handler.name, ""};
}

Result<std::map<std::string, RuntimeChoice>> EmbeddedTarget::prepare(
    const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
    std::vector<report::PhaseTiming>& timings) {
  std::vector<embedded::NodeHandler> handlers;
  for (const auto& [runtime, choice] : chosen) handlers.push_back(handlers_.at(runtime));
  if (handlers.empty()) return std::map<std::string, RuntimeChoice>{};
  auto t_up = std::chrono::steady_clock::now();
  if (embedded::EmbeddedNode::running(options_.node)) {
    progress.step("using the running node in " + options_.node.state_dir);
    auto attached = embedded::EmbeddedNode::attach(options_.node);
    if (!attached) return fail(attached.error());
    node_.emplace(std::move(*attached));
  } else {
    progress.step("starting the embedded node in " + options_.node.state_dir);
    auto up = embedded::EmbeddedNode::up(
        {options_.node, handlers, options_.workload_dir, options_.containerd}, progress);
    if (!up) return fail(up.error());
    node_.emplace(std::move(*up));
    started_here_ = true;
    timings.push_back({"node_up", ms_since(t_up)});
  }
  // A node that was already running has the handlers it was started with.
  std::map<std::string, RuntimeChoice> final_choices;
  for (const auto& [runtime, choice] : chosen) {
    auto handler = node_->description().handler_for(runtime);
    final_choices[runtime] =
        handler ? RuntimeChoice{true, *handler, ""}
                : RuntimeChoice{false, "", "the running node has no handler for " + runtime};
  }
  return final_choices;
}

std::map<std::string, std::string> EmbeddedTarget::images() const {
  return node_ ? node_->description().images : std::map<std::string, std::string>{};
}

Result<void> EmbeddedTarget::start(Deployment& d) {
  PodPlacement placement;
  placement.runtime = d.runtime;
  placement.handler = d.handler;
  placement.node_name = node_->description().network_name;
  placement.cgroup_parent = node_->description().cgroup_parent;
  placement.uid = random_hex(16);
  placement.log_directory = layout_.options.state_dir + "/pods/" + placement.uid;
  PodRun run;
  run.workload = d.workload;
  auto started = start_pod(*node_, placement, run);
  d.id = run.pod_id;
  d.address = run.ip;
  if (!run.container_id.empty()) {
    std::lock_guard lock(mutex_);
    container_ids_[run.pod_id] = run.container_id;
    log_files_[run.pod_id] =
        placement.log_directory + "/" + render_container_spec(d.workload).log_path;
  }
  const std::string& w = d.workload.name;
  d.timings.push_back({w + "_run_pod_sandbox", run.run_pod_ms});
  d.timings.push_back({w + "_create_container", run.create_ms});
  d.timings.push_back({w + "_start_container", run.start_ms});
  return started;
}

std::optional<int> EmbeddedTarget::exit_code(const Deployment& d) {
  PodRun run = pod_run_of(d);
  {
    std::lock_guard lock(mutex_);
    auto it = container_ids_.find(d.id);
    if (it == container_ids_.end()) return std::nullopt;
    run.container_id = it->second;
  }
  return pod_exit_code(*node_, run);
}

std::string EmbeddedTarget::logs(const Deployment& d) {
  std::string path;
  {
    std::lock_guard lock(mutex_);
    auto it = log_files_.find(d.id);
    if (it == log_files_.end()) return "";
    path = it->second;
  }
  auto text = read_file(path);
  if (!text) return "";
  // CRI log lines are "<time> <stream> <P|F> <text>": keep the text.
  std::vector<std::string> lines;
  for (const auto& line : split(trim(*text), '\n')) {
    size_t at = 0;
    for (int field = 0; field < 3 && at != std::string::npos; ++field) {
      at = line.find(' ', at);
      if (at != std::string::npos) ++at;
    }
    lines.push_back(at == std::string::npos ? line : line.substr(at));
  }
  return join(lines, "\n");
}

std::string EmbeddedTarget::description() const {
  return "mkata's embedded node (a private containerd driven through CRI) in " +
         options_.node.state_dir;
}

Result<void> EmbeddedTarget::remove(const Deployment& d) {
  return remove_pod(*node_, pod_run_of(d));
}

std::optional<std::pair<std::string, std::string>> EmbeddedTarget::sandbox_platform(
    const Deployment& d) {
  if (!node_ || d.id.empty()) return std::nullopt;
  auto proof = gvisor_platform_of_pod(node_->cri(), d.id);
  if (!proof) {
    platform_error_ = proof.error().message();
    return std::nullopt;
  }
  return std::pair{proof->platform, proof->evidence};
}

std::vector<report::ComponentVersion> EmbeddedTarget::versions() {
  std::vector<report::ComponentVersion> v;
  std::string containerd;
  if (node_) {
    if (auto version = node_->cri().version()) containerd = version->runtime_version;
  }
  if (containerd.empty() && tools_) containerd = tools_->get("containerd").version;
  v.push_back({"containerd", containerd});
  if (node_ && !node_->description().containerd.empty()) {
    v.push_back({"containerd program", node_->description().containerd});
    v.push_back(
        {"containerd config schema", "v" + std::to_string(node_->description().config_schema)});
  }
  for (const auto& h :
       node_ ? node_->description().handlers : std::vector<embedded::NodeHandler>{}) {
    if (!h.platform.empty()) v.push_back({h.runtime + " platform (configured)", h.platform});
    if (!h.runsc.empty()) v.push_back({h.runtime + " runsc", h.runsc});
  }
  return v;
}

Result<void> EmbeddedTarget::finish(Progress& progress, std::vector<report::PhaseTiming>& timings) {
  if (!node_ || !started_here_) return {};
  if (options_.keep) {
    node_->detach();
    return {};
  }
  progress.step("stopping the embedded node");
  auto t_down = std::chrono::steady_clock::now();
  auto down = node_->down();
  timings.push_back({"node_down", ms_since(t_down)});
  return down;
}

}  // namespace mkata::validate
