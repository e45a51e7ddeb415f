// See run_checks.h. Attribution works on the texts validate writes (src/validate/scenario.cc,
// readiness.cc, answers.cc, isolation.cc): readiness and deploy errors name their workload,
// answer errors start with it, isolation verdicts start with "pod ".
#include "report/run_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "core/strings.h"

namespace mkata::report {
namespace {

std::optional<long long> timing(const RuntimeOutcome& r, const std::string& phase) {
  for (const auto& t : r.timings) {
    if (t.phase == phase) return t.ms;
  }
  return std::nullopt;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The position of workload as a whole word in text, or npos.
size_t word_at(const std::string& text, const std::string& workload) {
  for (size_t at = text.find(workload); at != std::string::npos; at = text.find(workload, at + 1)) {
    bool before = at == 0 || !word_char(text[at - 1]);
    size_t end = at + workload.size();
    bool after = end == text.size() || !word_char(text[end]);
    if (before && after) return at;
  }
  return std::string::npos;
}

// The workload a failure text names first, or "".
std::string named_workload(const std::string& text, const std::vector<std::string>& workloads) {
  std::string first;
  size_t best = std::string::npos;
  for (const auto& w : workloads) {
    size_t at = word_at(text, w);
    if (at < best) best = at, first = w;
  }
  return first;
}

// "a; b" → {"a", "b"}; validate joins its failures with "; ".
std::vector<std::string> failure_parts(const std::string& reason) {
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t at = reason.find("; "); at != std::string::npos; at = reason.find("; ", from)) {
    parts.push_back(reason.substr(from, at - from));
    from = at + 2;
  }
  parts.push_back(reason.substr(from));
  return parts;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.pop_back();
  return line;
}

CheckResult failed(std::string name, const std::vector<std::string>& parts, long long ms = -1) {
  return {std::move(name), "failed", first_line(parts.front()), join(parts, "\n"), ms};
}

std::string workload_timings(const RuntimeOutcome& r, const std::string& workload) {
  std::vector<std::string> lines;
  for (const auto& t : r.timings) {
    if (starts_with(t.phase, workload + "_") && !(t.phase == workload + "_ready" && t.ms == 0)) {
      lines.push_back(t.phase.substr(workload.size() + 1) + ": " + std::to_string(t.ms) + " ms");
    }
  }
  return join(lines, "\n");
}

std::string compared(const EvidenceRow& e) {
  return "pod: " + e.pod + "\nhost: " + (e.host.empty() ? "(not compared with the host)" : e.host) +
         "\nrule: " + e.rule;
}

std::vector<CheckResult> all_skipped(const std::vector<std::string>& workloads,
                                     const std::string& usable_status, const std::string& why,
                                     const std::string& rest_why) {
  std::vector<CheckResult> checks{{"usable", usable_status, first_line(why), why, -1}};
  for (const auto& w : workloads) checks.push_back({w + " ready", "skipped", rest_why, "", -1});
  for (const auto& w : workloads) checks.push_back({w + " answer", "skipped", rest_why, "", -1});
  checks.push_back({"isolation", "skipped", rest_why, "", -1});
  return checks;
}

}  // namespace

std::vector<std::string> record_workloads(const ValidationRecord& record) {
  std::vector<std::string> workloads;
  auto add = [&](const std::string& w) {
    if (!w.empty() && std::find(workloads.begin(), workloads.end(), w) == workloads.end())
      workloads.push_back(w);
  };
  for (const auto& r : record.runtimes) {
    for (const auto& t : r.timings) {
      if (ends_with(t.phase, "_ready") && t.phase != "deploy_and_ready")
        add(t.phase.substr(0, t.phase.size() - 6));
    }
    for (const auto& [w, answer] : r.answers) add(w);
  }
  if (workloads.empty()) workloads = {"helloworld", "autoscale"};
  return workloads;
}

std::vector<CheckResult> runtime_checks(const RuntimeOutcome& r,
                                        const std::vector<std::string>& workloads,
                                        const std::vector<std::string>& check_notes) {
  if (r.status == "skipped") {
    std::string why = r.reason.empty() ? "skipped" : r.reason;
    return all_skipped(workloads, "skipped", why, first_line(why));
  }
  if (r.timings.empty() && r.status == "failed") {  // refused before any workload started
    std::string why = r.reason.empty() ? "failed before its workloads started" : r.reason;
    return all_skipped(workloads, "failed", why, "not run: the runtime was not usable");
  }
  bool verified = timing(r, "verify").has_value();
  bool isolation_failed =
      std::any_of(r.evidence.begin(), r.evidence.end(), [](const EvidenceRow& e) { return !e.ok; });
  // Where each failure text goes: "ready:<w>", "answer:<w>", "isolation" or "other".
  std::map<std::string, std::vector<std::string>> failures;
  std::string last;
  if (r.status == "failed") {
    for (const auto& part :
         failure_parts(r.reason.empty() ? "failed (no reason recorded)" : r.reason)) {
      std::string to;
      std::string w = named_workload(part, workloads);
      if (starts_with(part, "pod ")) {
        to = "isolation";
      } else if (!w.empty()) {
        to = (verified ? "answer:" : "ready:") + w;
      } else {
        to = last.empty() ? "other" : last;
      }
      failures[to].push_back(part);
      last = to;
    }
  }
  std::vector<CheckResult> checks{{"usable", "passed", "", join(check_notes, "\n"), -1}};
  for (const auto& w : workloads) {
    long long ms = timing(r, w + "_ready").value_or(-1);
    if (auto it = failures.find("ready:" + w); it != failures.end()) {
      if (ms == 0) ms = -1;  // a readiness that timed out records 0: no time to show
      checks.push_back(failed(w + " ready", it->second, ms));
      checks.back().evidence += "\n" + workload_timings(r, w);
    } else if (verified || ms > 0) {
      checks.push_back({w + " ready", "passed", "", workload_timings(r, w), ms});
    } else {
      checks.push_back({w + " ready", "skipped", "not reached", "", ms});
    }
  }
  for (const auto& w : workloads) {
    auto answer = std::find_if(r.answers.begin(), r.answers.end(),
                               [&](const auto& a) { return a.first == w; });
    std::string answered = answer == r.answers.end() ? "" : "answered: " + answer->second;
    if (auto it = failures.find("answer:" + w); it != failures.end()) {
      checks.push_back(failed(w + " answer", it->second));
      if (!answered.empty()) checks.back().evidence += "\n" + answered;
    } else if (answer != r.answers.end()) {
      checks.push_back({w + " answer", "passed", "", answered, -1});
    } else {
      checks.push_back({w + " answer", "skipped",
                        verified ? "not reached: an earlier answer failed"
                                 : "not reached: the workloads were not all ready",
                        "", -1});
    }
  }
  auto isolation = failures.find("isolation");
  for (const auto& e : r.evidence) {
    std::string name = "isolation: " + e.field + " " + e.rule;
    if (e.ok) {
      checks.push_back({name, "passed", "", compared(e), -1});
    } else {
      std::vector<std::string> why = isolation != failures.end()
                                         ? isolation->second
                                         : std::vector<std::string>{e.field + " " + e.rule};
      checks.push_back(failed(name, why));
      checks.back().evidence += "\n" + compared(e);
    }
  }
  if (r.evidence.empty() || (isolation != failures.end() && !isolation_failed)) {
    if (isolation != failures.end()) {
      checks.push_back(failed("isolation", isolation->second));
    } else if (r.evidence.empty()) {
      checks.push_back({"isolation", "skipped", "not reached: no pod answered /info", "", -1});
    }
  }
  if (auto it = failures.find("other"); it != failures.end()) {
    checks.push_back(failed("other", it->second));
  }
  return checks;
}

std::vector<RuntimeChecks> checks_of(const ValidationRecord& record) {
  auto workloads = record_workloads(record);
  std::vector<RuntimeChecks> out;
  for (const auto& r : record.runtimes) {
    std::vector<std::string> notes;
    for (const auto& c : record.check) {
      if (c.runtime == r.name && c.usable) notes = c.reasons;
    }
    out.push_back({&r, runtime_checks(r, workloads, notes)});
  }
  return out;
}

CheckCounts count_checks(const std::vector<CheckResult>& checks) {
  CheckCounts c;
  for (const auto& check : checks) {
    if (check.status == "passed")
      ++c.passed;
    else if (check.status == "failed")
      ++c.failed;
    else
      ++c.skipped;
  }
  return c;
}

}  // namespace mkata::report
