// See scenario.h.
#include "validate/scenario.h"

#include <sys/utsname.h>

#include <future>

#include "core/files.h"
#include "core/interrupt.h"
#include "core/strings.h"
#include "core/timestamp.h"
#include "host/chosen_tool.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "validate/answers.h"
#include "validate/http_get.h"
#include "validate/isolation.h"
#include "validate/readiness.h"
#include "validate/target.h"
#include "validate/target_choice.h"

namespace mkata::validate {
namespace {

using Clock = std::chrono::steady_clock;
using report::PhaseTiming;
using report::RuntimeOutcome;
using std::chrono::milliseconds;

/// What to do with one runtime before anything runs.
struct RuntimePlan {
  std::string runtime;
  RuntimeChoice choice;
  std::string status;  ///< when not run: "skipped" or "failed"
  std::string reason;
};

std::vector<RuntimePlan> plan_runtimes(
    const ValidateOptions& options, Target& target, const host::HostFacts& facts,
    const std::map<std::string, host::RuntimeVerdict>& verdicts) {
  std::vector<RuntimePlan> plans;
  for (const char* name : host::kRuntimeNames) {
    std::string rt = name;
    bool requested =
        std::find(options.runtimes.begin(), options.runtimes.end(), rt) != options.runtimes.end();
    if (!options.runtimes.empty() && !requested) continue;
    RuntimePlan p{rt, target.choose(rt, facts, verdicts.at(rt)), "", ""};
    if (!p.choice.usable) {
      p.status = requested ? "failed" : "skipped";
      p.reason =
          (requested ? "requested but not usable here: " : "not usable here: ") + p.choice.reason;
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

std::string url_of(const Deployment& d, int port, const std::string& path) {
  auto mapped = d.ports.find(port);
  if (mapped != d.ports.end()) port = mapped->second;
  return "http://" + d.address + ":" + std::to_string(port) + path;
}

Result<std::string> get_body(const Deployment& run, const std::string& path) {
  std::string url = url_of(run, run.workload.port, path);
  auto r = http_get(url, milliseconds(10000));
  if (!r) return fail(Error(r.error().message(), ErrorKind::kCheckFailed));
  if (r->status != 200) {
    return fail(
        Error("GET " + url + ": HTTP " + std::to_string(r->status), ErrorKind::kCheckFailed));
  }
  return r->body;
}

// Step 3 and 4 of §Validation for a runtime whose two pods are ready.
Result<void> verify(Target& target, const std::string& runtime, const std::vector<Deployment>& runs,
                    const KernelView& this_host, RuntimeOutcome& out) {
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
    auto host = target.host_view_of(run).value_or(this_host);
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

// Starts one workload and waits until it is ready (ready_ms counts from the start call).
Result<void> deploy(Target& target, std::chrono::milliseconds ready_timeout, Deployment& d) {
  auto t0 = Clock::now();
  if (auto r = target.start(d); !r) return r;
  int port = d.workload.ready_port ? d.workload.ready_port : d.workload.port;
  long long ready_ms = 0;
  auto ready = wait_until_ready(
      d.workload.name, url_of(d, port, d.workload.ready_path), t0, ready_timeout,
      [&] { return target.exit_code(d); }, ready_ms);
  d.timings.push_back({d.workload.name + "_ready", ready_ms});
  if (!ready && ready.error().kind() != ErrorKind::kInterrupted) {
    auto lines = split(target.logs(d), '\n');
    if (lines.size() > 5) lines.erase(lines.begin(), lines.end() - 5);
    auto output = trim(join(lines, " | "));
    if (!output.empty()) {
      return fail(Error(ready.error().message() + " (its last output: " + output + ")",
                        ready.error().kind()));
    }
  }
  return ready;
}

// Deploys every workload at once and waits until each is ready.
std::vector<std::string> deploy_all(Target& target, const ValidateOptions& options,
                                    std::vector<Deployment>& runs) {
  std::vector<std::future<Result<void>>> deployed;
  for (auto& run : runs) {
    deployed.push_back(std::async(std::launch::async, [&target, &options, &run] {
      return deploy(target, options.ready_timeout, run);
    }));
  }
  std::vector<std::string> errors;
  for (auto& d : deployed) {
    if (auto r = d.get(); !r) errors.push_back(r.error().message());
  }
  return errors;
}

// Removes every workload that was started, all at once.
std::vector<std::string> remove_all(Target& target, const std::vector<Deployment>& runs) {
  std::vector<std::future<Result<void>>> removed;
  for (const auto& run : runs) {
    removed.push_back(
        std::async(std::launch::async, [&target, &run] { return target.remove(run); }));
  }
  std::vector<std::string> errors;
  for (auto& r : removed) {
    if (auto done = r.get(); !done) errors.push_back(done.error().message());
  }
  return errors;
}

RuntimeOutcome run_runtime(Target& target, const RuntimePlan& plan, const std::string& node,
                           const ValidateOptions& options, const KernelView& host,
                           Progress& progress) {
  const std::string& rt = plan.runtime;
  RuntimeOutcome out{rt,  helloworld_target(rt), plan.choice.handler, "passed", "", "", {}, {}, {},
                     node};
  auto t0 = Clock::now();
  auto workloads = validation_workloads(rt, target.images());
  if (options.adjust_workloads) options.adjust_workloads(workloads);
  std::vector<Deployment> runs(workloads.size());
  for (size_t i = 0; i < workloads.size(); ++i)
    runs[i] = {workloads[i], rt, out.handler, node, "", "", {}, {}};
  progress.step(rt + ": deploying " + std::to_string(runs.size()) + " workloads on " +
                target.name() + (node.empty() ? "" : " node " + node) + " (" + out.handler + ")");
  auto errors = deploy_all(target, options, runs);
  out.timings.push_back({"deploy_and_ready", ms_since(t0)});
  if (errors.empty()) {
    progress.detail("ready; checking answers and isolation");
    auto t1 = Clock::now();
    if (auto r = verify(target, rt, runs, host, out); !r) errors.push_back(r.error().message());
    out.timings.push_back({"verify", ms_since(t1)});
    // Which gVisor platform ran, read from the running sandbox (never assumed).
    if (rt == "gvisor" && !runs.empty()) {
      if (auto proof = target.sandbox_platform(runs.front())) {
        out.platform = proof->first;
        out.platform_evidence = proof->second;
      }
    }
  }
  progress.detail("removing the workloads");  // always, also after a failure or Ctrl-C
  auto t2 = Clock::now();
  for (auto& e : remove_all(target, runs)) errors.push_back(e);
  out.timings.push_back({"teardown", ms_since(t2)});
  for (const auto& run : runs) {
    out.timings.insert(out.timings.end(), run.timings.begin(), run.timings.end());
  }
  out.timings.push_back({"total", ms_since(t0)});
  if (!errors.empty()) {
    out.status = "failed";
    out.reason = join(errors, "; ");
  }
  progress.detail(out.status + (out.reason.empty() ? "" : ": " + out.reason));
  return out;
}

// The host's part of the versions (its OS, kernel and runtimes); the target adds its own
// components.
std::vector<report::ComponentVersion> host_versions(const host::InstalledTools& tools) {
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
  for (const char* tool : {"runc", "crun", "runsc", "containerd-shim-kata-v2", "kata-runtime"}) {
    const auto& t = tools.get(tool);
    v.push_back({tool, t.installed() ? t.version : "not installed"});
  }
  return v;
}

}  // namespace

Result<report::ValidationRecord> run_validation(const ValidateOptions& options, Target& target,
                                                Progress& progress) {
  auto t_start = Clock::now();
  report::ValidationRecord record;
  record.started_utc = utc_now();
  record.target = target.name();

  progress.step("checking the host");
  auto facts = host::probe_host(*host::live_host());
  if (!facts) return fail(facts.error().wrap("validate"));
  if (options.runsc.installed()) host::use_tool(*facts, "runsc", options.runsc);
  if (!options.containerd.path.empty()) {
    host::use_tool(*facts, "containerd", {options.containerd.path, options.containerd.version, ""});
  }
  auto verdicts = host::judge_runtimes(*facts);
  for (const char* name : host::kRuntimeNames) {
    const auto& v = verdicts.at(name);
    record.check.push_back({name, v.usable, v.usable ? v.notes : v.reasons});
  }
  auto host_view = host_kernel_view();
  if (!host_view) return fail(host_view.error().wrap("validate"));
  record.host_name = host_view->hostname;
  record.host_info = encode_view(*host_view);
  auto plans = plan_runtimes(options, target, *facts, verdicts);

  std::map<std::string, RuntimeChoice> chosen;
  for (const auto& p : plans) {
    if (p.choice.usable) chosen[p.runtime] = p.choice;
  }
  auto prepared = target.prepare(chosen, progress, record.timings);
  if (!prepared) {
    // Whatever preparing created before it failed (a namespace, loaded images) goes too.
    (void)target.finish(progress, record.timings);
    return fail(prepared.error().wrap("validate"));
  }
  record.target_description = target.description();
  record.target_notes = target.notes();
  for (auto& p : plans) {
    if (!p.choice.usable) {
      record.runtimes.push_back(
          {p.runtime, helloworld_target(p.runtime), "", p.status, p.reason, "", {}, {}, {}, ""});
      continue;
    }
    if (interrupted()) break;
    p.choice = prepared->at(p.runtime);
    if (!p.choice.usable) {
      record.runtimes.push_back({p.runtime,
                                 helloworld_target(p.runtime),
                                 "",
                                 "failed",
                                 p.choice.reason,
                                 "",
                                 {},
                                 {},
                                 {},
                                 ""});
      continue;
    }
    for (const auto& node : target.placements(p.runtime)) {
      if (interrupted()) break;
      record.runtimes.push_back(run_runtime(target, p, node, options, *host_view, progress));
    }
  }
  record.versions = host_versions(facts->tools);
  for (auto& v : target.versions()) record.versions.push_back(v);
  if (auto finished = target.finish(progress, record.timings); !finished) {
    record.error = finished.error().message();
  }
  record.passed = record.error.empty() && !interrupted();
  for (const auto& r : record.runtimes) record.passed = record.passed && r.status != "failed";
  if (interrupted()) {
    record.error = record.error.empty() ? "interrupted" : "interrupted; " + record.error;
  }
  record.timings.push_back({"total", ms_since(t_start)});
  return record;
}

Result<report::ValidationRecord> run_validation(const ValidateOptions& options,
                                                Progress& progress) {
  auto target = make_target(options);
  if (!target) return fail(target.error().wrap("validate"));
  return run_validation(options, **target, progress);
}

}  // namespace mkata::validate
