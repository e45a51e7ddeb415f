// See markdown_report.h. Table cells escape '|' and newlines so that evidence quoting a workload's
// answer cannot break the table.
#include "report/markdown_report.h"

#include <algorithm>

#include "core/strings.h"

namespace mkata::report {
namespace {

std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out.empty() ? "—" : out;
}

std::string verdict(const std::string& status) {
  if (status == "passed") return "✅ passed";
  if (status == "failed") return "❌ failed";
  return "⏭️ skipped";
}

std::string ms_of(const std::vector<PhaseTiming>& timings, const std::string& phase) {
  for (const auto& t : timings) {
    if (t.phase == phase) return std::to_string(t.ms) + " ms";
  }
  return "—";
}

// handler_label: what the target calls the name a runtime runs under.
std::string runtime_section(const RuntimeOutcome& r, const std::string& handler_label) {
  std::string md = "### " + r.name + (r.node.empty() ? "" : " on node " + r.node) + " (" +
                   r.display_name + ")\n\n";
  md += "- Result: **" + verdict(r.status) + "**";
  if (!r.reason.empty()) md += " — " + r.reason;
  md += "\n";
  if (!r.handler.empty()) md += "- " + handler_label + ": `" + r.handler + "`\n";
  if (!r.platform.empty()) {
    md += "- gVisor platform that ran: **" + cell(r.platform) + "** (" + cell(r.platform_evidence) +
          ")\n";
  }
  for (const auto& [workload, answer] : r.answers) {
    md += "- " + workload + " answered: `" + cell(answer) + "`\n";
  }
  if (!r.evidence.empty()) {
    md += "\n| field | pod | host | rule | ok |\n|---|---|---|---|---|\n";
    for (const auto& e : r.evidence) {
      md += "| " + e.field + " | " + cell(e.pod) + " | " + cell(e.host) + " | " + e.rule + " | " +
            (e.ok ? "yes" : "**no**") + " |\n";
    }
  }
  if (!r.timings.empty()) {
    md += "\n| phase | ms |\n|---|---:|\n";
    for (const auto& t : r.timings) md += "| " + t.phase + " | " + std::to_string(t.ms) + " |\n";
  }
  return md + "\n";
}

}  // namespace

std::string render_markdown(const ValidationRecord& record) {
  std::string md = "# mkata validate — execution report\n\n";
  md += "- Date (UTC): " + record.started_utc + "\n";
  md += "- Target: " + record.target +
        (record.target_description.empty() ? "" : " — " + record.target_description) + "\n";
  for (const auto& note : record.target_notes) md += "  - " + note + "\n";
  if (!record.host_name.empty()) md += "- Host: " + record.host_name + "\n";
  md += "- Result: **" + std::string(record.passed ? "PASSED" : "FAILED") + "**\n";
  if (!record.error.empty()) md += "- Error: " + record.error + "\n";
  std::vector<std::string> phases;
  for (const auto& t : record.timings) {
    std::string phase = t.phase;
    std::replace(phase.begin(), phase.end(), '_', ' ');
    if (t.phase != "total") phases.push_back(phase + " " + std::to_string(t.ms) + " ms");
  }
  md += "- Wall time: " + ms_of(record.timings, "total") +
        (phases.empty() ? "" : " (" + join(phases, ", ") + ")") + "\n\n";
  md += "## Versions\n\n| component | version |\n|---|---|\n";
  for (const auto& v : record.versions) md += "| " + v.component + " | " + cell(v.version) + " |\n";
  md += "\n## Host check (`mkata check`)\n\n| runtime | usable | reasons |\n|---|---|---|\n";
  for (const auto& c : record.check) {
    md += "| " + c.runtime + " | " + (c.usable ? "yes" : "no") + " | " +
          cell(join(c.reasons, "; ")) + " |\n";
  }
  md +=
      "\n## Summary\n\n| runtime | result | reason | ready (helloworld / autoscale) | total |\n"
      "|---|---|---|---|---:|\n";
  for (const auto& r : record.runtimes) {
    md += "| " + r.name + (r.node.empty() ? "" : " @ " + r.node) + " | " + verdict(r.status) +
          " | " + cell(r.reason) + " | " + ms_of(r.timings, "helloworld_ready") + " / " +
          ms_of(r.timings, "autoscale_ready") + " | " + ms_of(r.timings, "total") + " |\n";
  }
  md += "\n## Runtimes\n\n";
  std::string handler_label =
      record.target == "embedded" ? "CRI runtime handler" : "`" + record.target + "` runtime";
  for (const auto& r : record.runtimes) md += runtime_section(r, handler_label);
  return md;
}

}  // namespace mkata::report
