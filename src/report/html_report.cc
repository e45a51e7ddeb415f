// See html_report.h. The page carries no id, href or src built from outside text: runtime
// sections are found by their headings, and nothing points anywhere.
#include "report/html_report.h"

#include <algorithm>

#include "core/strings.h"
#include "report/markup_escape.h"
#include "report/run_checks.h"

namespace mkata::report {
namespace {

constexpr const char* kStyle = R"(
:root { --pass: #1a7f37; --fail: #cf222e; --skip: #6e7781; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       margin: 2em auto; max-width: 72em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.3em; border-bottom: 1px solid var(--line); padding-bottom: .2em;
     margin-top: 1.8em; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid var(--line); padding: .25em .6em; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; }
td.ms { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: .92em; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.passed { color: var(--pass); font-weight: 600; white-space: nowrap; }
.failed { color: var(--fail); font-weight: 600; white-space: nowrap; }
.skipped { color: var(--skip); font-weight: 600; white-space: nowrap; }
.verdict { font-size: 1.3em; }
.facts th { width: 11em; }
section.runtime { break-inside: avoid-page; }
footer { margin-top: 3em; color: var(--skip); font-size: .9em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
)";

std::string h(const std::string& text) { return markup_text(text); }

std::string verdict(const std::string& status) {
  // Text symbols, not emoji: a machine without an emoji font (a CI runner printing the page)
  // still shows them.
  std::string icon = status == "passed" ? "✔" : status == "failed" ? "✘" : "–";
  std::string cls = status == "passed" || status == "failed" ? status : "skipped";
  return "<span class=\"" + cls + "\">" + icon + " " + h(status) + "</span>";
}

std::string ms_cell(long long ms) {
  return "<td class=\"ms\">" + (ms < 0 ? std::string("—") : std::to_string(ms) + " ms") + "</td>";
}

long long phase_ms(const std::vector<PhaseTiming>& timings, const std::string& phase) {
  for (const auto& t : timings) {
    if (t.phase == phase) return t.ms;
  }
  return -1;
}

std::string timings_table(const std::vector<PhaseTiming>& timings) {
  std::string html = "<table class=\"timings\"><tr><th>phase</th><th>time</th></tr>\n";
  for (const auto& t : timings) {
    html += "<tr><td>" + h(t.phase) + "</td>" + ms_cell(t.ms) + "</tr>\n";
  }
  return html + "</table>\n";
}

std::string runtime_section(const ValidationRecord& record, const RuntimeChecks& rc) {
  const RuntimeOutcome& r = *rc.runtime;
  std::string html = "<section class=\"runtime\">\n<h2><span class=\"rt\">" + h(r.name) +
                     "</span>" + (r.node.empty() ? "" : " on node " + h(r.node)) + " (" +
                     h(r.display_name) + ")</h2>\n<p>Result: " + verdict(r.status);
  if (!r.reason.empty()) html += " — " + h(r.reason);
  html += "</p>\n";
  if (!r.handler.empty()) {
    html += "<p>" +
            std::string(record.target == "embedded" ? "CRI runtime handler"
                                                    : h(record.target) + " runtime") +
            ": <code>" + h(r.handler) + "</code></p>\n";
  }
  html +=
      "<h3>Checks</h3>\n<table class=\"checks\"><tr><th>check</th><th>result</th>"
      "<th>time</th><th>evidence</th></tr>\n";
  for (const auto& c : rc.checks) {
    std::string evidence = c.evidence.empty() && !c.message.empty() ? c.message : c.evidence;
    html += "<tr><td>" + h(c.name) + "</td><td>" + verdict(c.status) + "</td>" + ms_cell(c.ms) +
            "<td>" + (evidence.empty() ? "" : "<pre>" + h(evidence) + "</pre>") + "</td></tr>\n";
  }
  html += "</table>\n";
  if (!r.evidence.empty()) {
    html +=
        "<h3>Isolation evidence (pod vs. host)</h3>\n<table class=\"evidence\"><tr>"
        "<th>field</th><th>pod</th><th>host</th><th>rule</th><th>ok</th></tr>\n";
    for (const auto& e : r.evidence) {
      html += "<tr><td>" + h(e.field) + "</td><td><code>" + h(e.pod) + "</code></td><td><code>" +
              h(e.host) + "</code></td><td>" + h(e.rule) + "</td><td>" +
              verdict(e.ok ? "passed" : "failed") + "</td></tr>\n";
    }
    html += "</table>\n";
  }
  if (!r.answers.empty()) {
    html +=
        "<h3>Answers</h3>\n<table class=\"answers\"><tr><th>workload</th><th>answer</th>"
        "</tr>\n";
    for (const auto& [workload, answer] : r.answers) {
      html += "<tr><td>" + h(workload) + "</td><td><pre>" + h(answer) + "</pre></td></tr>\n";
    }
    html += "</table>\n";
  }
  if (!r.timings.empty()) html += "<h3>Timings</h3>\n" + timings_table(r.timings);
  return html + "</section>\n";
}

}  // namespace

std::string render_html(const ValidationRecord& record) {
  auto all = checks_of(record);
  CheckCounts counts;
  for (const auto& rc : all) {
    auto n = count_checks(rc.checks);
    counts.passed += n.passed, counts.failed += n.failed, counts.skipped += n.skipped;
  }
  std::string result = record.passed ? "PASSED" : "FAILED";
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>mkata "
      "validate on " +
      h(record.target) + " — " + result + " — " + h(record.started_utc) + "</title>\n<style>" +
      kStyle + "</style>\n</head>\n<body>\n<header>\n<h1>mkata validate — execution report</h1>\n";
  html += "<p class=\"verdict\">" + verdict(record.passed ? "passed" : "failed") + "</p>\n";
  html += "<table class=\"facts\">\n<tr><th>Date (UTC)</th><td>" + h(record.started_utc) +
          "</td></tr>\n<tr><th>Target</th><td>" + h(record.target) +
          (record.target_description.empty() ? "" : " — " + h(record.target_description));
  if (!record.target_notes.empty()) {
    html += "<ul class=\"notes\">";
    for (const auto& note : record.target_notes) html += "<li>" + h(note) + "</li>";
    html += "</ul>";
  }
  html += "</td></tr>\n";
  if (!record.host_name.empty()) {
    html += "<tr><th>Host</th><td>" + h(record.host_name) + "</td></tr>\n";
  }
  html += "<tr><th>Checks</th><td>" + std::to_string(counts.passed) + " passed, " +
          std::to_string(counts.failed) + " failed, " + std::to_string(counts.skipped) +
          " skipped</td></tr>\n";
  std::vector<std::string> phases;
  for (const auto& t : record.timings) {
    if (t.phase != "total") phases.push_back(h(t.phase) + " " + std::to_string(t.ms) + " ms");
  }
  long long total = phase_ms(record.timings, "total");
  html += "<tr><th>Wall time</th><td>" +
          (total < 0 ? std::string("—") : std::to_string(total) + " ms") +
          (phases.empty() ? "" : " (" + join(phases, ", ") + ")") + "</td></tr>\n";
  if (!record.error.empty()) {
    html += "<tr><th>Error</th><td class=\"failed\"><pre>" + h(record.error) + "</pre></td></tr>\n";
  }
  html += "</table>\n</header>\n";

  html +=
      "<section class=\"summary\">\n<h2>Summary</h2>\n<table><tr><th>runtime</th>"
      "<th>result</th><th>checks passed</th><th>failed</th><th>skipped</th><th>reason</th>"
      "<th>total</th></tr>\n";
  for (const auto& rc : all) {
    const RuntimeOutcome& r = *rc.runtime;
    auto n = count_checks(rc.checks);
    html += "<tr><td>" + h(r.name) + (r.node.empty() ? "" : " @ " + h(r.node)) + "</td><td>" +
            verdict(r.status) + "</td><td class=\"ms\">" + std::to_string(n.passed) +
            "</td><td class=\"ms\">" + std::to_string(n.failed) + "</td><td class=\"ms\">" +
            std::to_string(n.skipped) + "</td><td>" + h(r.reason) + "</td>" +
            ms_cell(phase_ms(r.timings, "total")) + "</tr>\n";
  }
  html += "</table>\n</section>\n";
  for (const auto& rc : all) html += runtime_section(record, rc);

  html +=
      "<section class=\"versions\">\n<h2>Versions</h2>\n<table><tr><th>component</th>"
      "<th>version</th></tr>\n";
  for (const auto& v : record.versions) {
    html += "<tr><td>" + h(v.component) + "</td><td><code>" + h(v.version) + "</code></td></tr>\n";
  }
  html +=
      "</table>\n<h2>Host check (<code>mkata check</code>)</h2>\n<table><tr><th>runtime</th>"
      "<th>usable</th><th>reasons</th></tr>\n";
  for (const auto& c : record.check) {
    html += "<tr><td>" + h(c.runtime) + "</td><td>" +
            (c.usable ? "<span class=\"passed\">yes</span>" : "<span class=\"skipped\">no</span>") +
            "</td><td>";
    for (const auto& reason : c.reasons) html += "<div>" + h(reason) + "</div>";
    html += "</td></tr>\n";
  }
  html += "</table>\n";
  if (!record.timings.empty())
    html += "<h2>Timings of the run</h2>\n" + timings_table(record.timings);
  html +=
      "</section>\n<footer>Rendered by mkata from the record of the run (the same facts as "
      "<code>mkata validate --json</code>).</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace mkata::report
