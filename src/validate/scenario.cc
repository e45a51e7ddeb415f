// See scenario.h.
#include "validate/scenario.h"

#include <sys/utsname.h>

#include <ctime>
#include <future>
#include <random>

#include "core/files.h"
#include "core/interrupt.h"
#include "core/strings.h"
#include "core/timestamp.h"
#include "embedded/embedded_node.h"
#include "embedded/handler_choice.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "validate/answers.h"
#include "validate/http_get.h"
#include "validate/isolation.h"
#include "validate/pod_run.h"

namespace mkata::validate {
namespace {

using Clock = std::chrono::steady_clock;
using report::PhaseTiming;
using report::RuntimeOutcome;
using std::chrono::milliseconds;

std::string random_uid() {
  static std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uid;
  auto v = rng();
  for (int i = 0; i < 16; ++i, v >>= 4) uid += kHex[v & 15];
  return uid;
}

/// What to do with one runtime before anything runs.
struct RuntimePlan {
  std::string runtime;
  bool run = false;
  std::string status;  ///< when not run: "skipped" or "failed"
  std::string reason;
  std::optional<embedded::NodeHandler> handler;
};

std::vector<RuntimePlan> plan_runtimes(const ValidateOptions& options, const host::HostFacts& facts,
                                       const std::map<std::string, host::RuntimeVerdict>& verdicts,
                                       const embedded::NodeLayout& layout) {
  std::vector<RuntimePlan> plans;
  for (const char* name : host::kRuntimeNames) {
    std::string rt = name;
    bool requested =
        std::find(options.runtimes.begin(), options.runtimes.end(), rt) != options.runtimes.end();
    if (!options.runtimes.empty() && !requested) continue;
    RuntimePlan p;
    p.runtime = rt;
    if (auto o = options.handler_overrides.find(rt); o != options.handler_overrides.end()) {
      auto h = o->second;
      if (h.runtime_type == "io.containerd.runc.v2" && !h.option("Root")) {
        h.options.push_back({"Root", layout.runtime_root(h.name)});
      }
      p.run = true;
      p.handler = embedded::NodeHandler{rt, h};
      plans.push_back(p);
      continue;
    }
    const auto& verdict = verdicts.at(rt);
    std::string reason = join(verdict.reasons, "; ");
    if (verdict.usable) {
      auto h = embedded::handler_for_runtime(rt, facts, layout);
      if (h) {
        p.run = true;
        p.handler = *h;
      } else {
        reason = h.error().message();
      }
    }
    if (!p.run) {
      p.status = requested ? "failed" : "skipped";
      p.reason = (requested ? "requested but not usable here: " : "not usable here: ") + reason;
    }
    plans.push_back(p);
  }
  return plans;
}

std::string encode_view(const KernelView& v) {
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
  };
  return "{\"kernel_release\":" + quote(v.kernel_release) +
         ",\"kernel_version\":" + quote(v.kernel_version) +
         ",\"boot_id\":" + (v.boot_id ? quote(*v.boot_id) : "null") +
         ",\"hostname\":" + quote(v.hostname) + ",\"cpus\":" + std::to_string(v.cpus) +
         ",\"memory_total_bytes\":" + std::to_string(v.memory_total_bytes) +
         ",\"hypervisor_cpu_flag\":" + (v.hypervisor_cpu_flag ? "true" : "false") + "}";
}

Result<std::string> get_body(const PodRun& run, const std::string& path) {
  std::string url = "http://" + run.ip + ":" + std::to_string(run.workload.port) + path;
  auto r = http_get(url, milliseconds(10000));
  if (!r) return fail(Error(r.error().message(), ErrorKind::kCheckFailed));
  if (r->status != 200) {
    return fail(
        Error("GET " + url + ": HTTP " + std::to_string(r->status), ErrorKind::kCheckFailed));
  }
  return r->body;
}

// Step 3 and 4 of §Validation for a runtime whose two pods are ready.
Result<void> verify(const std::string& runtime, const std::vector<PodRun>& runs,
                    const KernelView& host, RuntimeOutcome& out) {
  for (const auto& run : runs) {
    auto body = get_body(run, run.workload.check_path);
    if (!body) return fail(body.error());
    out.answers.emplace_back(run.workload.name, *body);
    if (run.workload.name == "helloworld") {
      if (auto r = check_helloworld_answer(*body, helloworld_target(runtime)); !r) return r;
    } else if (run.workload.name == "autoscale") {
      if (auto r = check_autoscale_answer(*body); !r) return fail(r.error());
    }
  }
  auto isolation = expected_isolation(runtime);
  if (!isolation) return fail(isolation.error());
  for (const auto& run : runs) {
    auto info = get_body(run, "/info");
    if (!info) return fail(info.error());
    auto view = parse_info(*info);
    if (!view)
      return fail(
          Error(run.workload.name + ": " + view.error().message(), ErrorKind::kCheckFailed));
    auto verdict = judge_isolation(*isolation, *view, host);
    if (out.pod_info.empty()) {
      out.pod_info = *info;
      for (const auto& c : verdict.comparisons) {
        out.evidence.push_back({c.field, c.pod, c.host, c.rule, c.ok});
      }
    }
    if (!verdict.ok) return fail(Error(verdict.reason, ErrorKind::kCheckFailed));
  }
  return {};
}

// Deploys every workload as its own pod, all at once, and waits until each is ready.
std::vector<std::string> deploy_all(const embedded::EmbeddedNode& node, const std::string& rt,
                                    const std::string& handler, const ValidateOptions& options,
                                    std::vector<PodRun>& runs) {
  std::vector<std::future<Result<void>>> deployed;
  for (auto& run : runs) {
    PodPlacement placement;
    placement.runtime = rt;
    placement.handler = handler;
    placement.node_name = node.description().network_name;
    placement.cgroup_parent = node.description().cgroup_parent;
    placement.uid = random_uid();
    placement.log_directory = node.layout().options.state_dir + "/pods/" + placement.uid;
    deployed.push_back(std::async(std::launch::async, [&node, placement, &options, &run] {
      return deploy_pod(node, placement, options.ready_timeout, run);
    }));
  }
  std::vector<std::string> errors;
  for (auto& d : deployed) {
    if (auto r = d.get(); !r) errors.push_back(r.error().message());
  }
  return errors;
}

// Stops and removes every pod that was created, all at once.
std::vector<std::string> remove_all(const embedded::EmbeddedNode& node,
                                    const std::vector<PodRun>& runs) {
  std::vector<std::future<Result<void>>> removed;
  for (const auto& run : runs) {
    removed.push_back(
        std::async(std::launch::async, [&node, &run] { return remove_pod(node, run); }));
  }
  std::vector<std::string> errors;
  for (auto& r : removed) {
    if (auto done = r.get(); !done) errors.push_back(done.error().message());
  }
  return errors;
}

void add_pod_timings(const std::vector<PodRun>& runs, std::vector<PhaseTiming>& timings) {
  for (const auto& run : runs) {
    const std::string& w = run.workload.name;
    timings.push_back({w + "_run_pod_sandbox", run.run_pod_ms});
    timings.push_back({w + "_create_container", run.create_ms});
    timings.push_back({w + "_start_container", run.start_ms});
    timings.push_back({w + "_ready", run.ready_ms});
  }
}

RuntimeOutcome run_runtime(const embedded::EmbeddedNode& node, const RuntimePlan& plan,
                           const ValidateOptions& options, const KernelView& host,
                           Progress& progress) {
  const std::string& rt = plan.runtime;
  RuntimeOutcome out{
      rt, helloworld_target(rt), plan.handler->handler.name, "passed", "", "", {}, {}, {}};
  auto t0 = Clock::now();
  auto workloads = validation_workloads(rt, node.description().images);
  if (options.adjust_workloads) options.adjust_workloads(workloads);
  std::vector<PodRun> runs(workloads.size());
  for (size_t i = 0; i < workloads.size(); ++i) runs[i].workload = workloads[i];
  progress.step(rt + ": deploying " + std::to_string(runs.size()) + " pods (handler " +
                out.handler + ")");
  auto errors = deploy_all(node, rt, out.handler, options, runs);
  out.timings.push_back({"deploy_and_ready", ms_since(t0)});
  if (errors.empty()) {
    progress.detail("ready; checking answers and isolation");
    auto t1 = Clock::now();
    if (auto r = verify(rt, runs, host, out); !r) errors.push_back(r.error().message());
    out.timings.push_back({"verify", ms_since(t1)});
  }
  progress.detail("removing the pods");  // always, also after a failure or Ctrl-C
  auto t2 = Clock::now();
  for (auto& e : remove_all(node, runs)) errors.push_back(e);
  out.timings.push_back({"teardown", ms_since(t2)});
  add_pod_timings(runs, out.timings);
  out.timings.push_back({"total", ms_since(t0)});
  if (!errors.empty()) {
    out.status = "failed";
    out.reason = join(errors, "; ");
  }
  progress.detail(out.status + (out.reason.empty() ? "" : ": " + out.reason));
  return out;
}

std::vector<report::ComponentVersion> versions(const host::HostFacts& facts,
                                               const std::string& containerd) {
  std::vector<report::ComponentVersion> v;
  std::string os = "unknown";
  if (auto text = read_file("/etc/os-release")) {
    for (const auto& line : split(*text, '\n')) {
      if (starts_with(line, "PRETTY_NAME=")) os = trim(line.substr(12));
    }
    if (os.size() >= 2 && os.front() == '"') os = os.substr(1, os.size() - 2);
  }
  utsname u{};
  uname(&u);
  v.push_back({"os", os});
  v.push_back({"kernel", std::string(u.release) + " " + u.version});
  v.push_back({"mkata", MKATA_VERSION});
  v.push_back(
      {"containerd", containerd.empty() ? facts.tools.get("containerd").version : containerd});
  for (const char* tool : {"runc", "crun", "runsc", "containerd-shim-kata-v2", "kata-runtime"}) {
    const auto& t = facts.tools.get(tool);
    v.push_back({tool, t.installed() ? t.version : "not installed"});
  }
  return v;
}

// A running node in the state dir is used as it is; otherwise one is started for this run.
Result<embedded::EmbeddedNode> obtain_node(const ValidateOptions& options,
                                           const std::vector<embedded::NodeHandler>& handlers,
                                           Progress& progress, bool& started_here) {
  started_here = false;
  if (embedded::EmbeddedNode::running(options.node)) {
    progress.step("using the running node in " + options.node.state_dir);
    return embedded::EmbeddedNode::attach(options.node);
  }
  progress.step("starting the embedded node in " + options.node.state_dir);
  auto up = embedded::EmbeddedNode::up({options.node, handlers, options.workload_dir}, progress);
  started_here = up.has_value();
  return up;
}

// Takes down (or, with --keep, leaves running) the node this run started.
void finish_node(embedded::EmbeddedNode& node, bool keep, Progress& progress,
                 report::ValidationRecord& record) {
  if (keep) {
    node.detach();
    return;
  }
  progress.step("stopping the embedded node");
  auto t_down = Clock::now();
  auto down = node.down();
  record.timings.push_back({"node_down", ms_since(t_down)});
  if (!down) record.error = down.error().message();
}

}  // namespace

Result<report::ValidationRecord> run_validation(const ValidateOptions& options,
                                                Progress& progress) {
  auto t_start = Clock::now();
  report::ValidationRecord record;
  record.started_utc = utc_now();
  if (auto r = options.node.validate(); !r) return fail(r.error());
  auto layout = embedded::NodeLayout::of(options.node);

  progress.step("checking the host");
  auto facts = host::probe_host(*host::live_host());
  if (!facts) return fail(facts.error().wrap("validate"));
  auto verdicts = host::judge_runtimes(*facts);
  for (const char* name : host::kRuntimeNames) {
    const auto& v = verdicts.at(name);
    record.check.push_back({name, v.usable, v.usable ? v.notes : v.reasons});
  }
  auto host_view = host_kernel_view();
  if (!host_view) return fail(host_view.error().wrap("validate"));
  record.host_name = host_view->hostname;
  record.host_info = encode_view(*host_view);
  auto plans = plan_runtimes(options, *facts, verdicts, layout);

  std::vector<embedded::NodeHandler> handlers;
  for (const auto& p : plans) {
    if (p.run) handlers.push_back(*p.handler);
  }
  std::optional<embedded::EmbeddedNode> node;
  bool started_here = false;
  if (!handlers.empty()) {
    auto t_up = Clock::now();
    auto obtained = obtain_node(options, handlers, progress, started_here);
    if (!obtained) return fail(obtained.error().wrap("validate"));
    node.emplace(std::move(*obtained));
    if (started_here) record.timings.push_back({"node_up", ms_since(t_up)});
  }
  std::string containerd_version;
  if (node) {
    if (auto v = node->cri().version()) containerd_version = v->runtime_version;
  }
  for (auto& p : plans) {
    if (!p.run) {
      record.runtimes.push_back(
          {p.runtime, helloworld_target(p.runtime), "", p.status, p.reason, "", {}, {}, {}});
      continue;
    }
    if (interrupted()) break;
    auto handler = node->description().handler_for(p.runtime);
    if (!handler) {
      record.runtimes.push_back({p.runtime,
                                 helloworld_target(p.runtime),
                                 "",
                                 "failed",
                                 "the running node has no handler for " + p.runtime,
                                 "",
                                 {},
                                 {},
                                 {}});
      continue;
    }
    p.handler->handler.name = *handler;
    record.runtimes.push_back(run_runtime(*node, p, options, *host_view, progress));
  }
  if (node && started_here) finish_node(*node, options.keep, progress, record);
  record.versions = versions(*facts, containerd_version);
  record.passed = record.error.empty() && !interrupted();
  for (const auto& r : record.runtimes) record.passed = record.passed && r.status != "failed";
  if (interrupted()) {
    record.error = record.error.empty() ? "interrupted" : "interrupted; " + record.error;
  }
  record.timings.push_back({"total", ms_since(t_start)});
  return record;
}

}  // namespace mkata::validate
