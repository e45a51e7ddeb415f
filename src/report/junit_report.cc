// See junit_report.h. Times are seconds with millisecond precision ("0.614"), the form Surefire
// writes; the timestamp is the run's start without the zone suffix (Ant's form; it is UTC, as the
// "started" property says in full).
#include "report/junit_report.h"

#include <cstdio>
#include <regex>

#include "report/markup_escape.h"
#include "report/run_checks.h"

namespace mkata::report {
namespace {

std::string seconds(long long ms) {
  if (ms < 0) ms = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
  return text;
}

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + markup_attribute(value) + "\"";
}

std::string property(const std::string& name, const std::string& value) {
  return "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

// What kind of check failed, for the failure's type attribute.
std::string failure_type(const std::string& check) {
  if (check == "usable") return "not usable";
  if (check.starts_with("isolation")) return "isolation";
  if (check.ends_with(" ready")) return "readiness";
  if (check.ends_with(" answer")) return "answer";
  return "failure";
}

std::string testcase(const std::string& classname, const CheckResult& c) {
  std::string xml = "    <testcase" + attr("classname", classname) + attr("name", c.name) +
                    attr("time", seconds(c.ms));
  std::string body;
  if (c.status == "skipped") {
    body += "      <skipped" + attr("message", c.message) + "/>\n";
  } else if (c.status == "failed") {
    body += "      <failure" + attr("message", c.message) + attr("type", failure_type(c.name)) +
            ">" + markup_text(c.evidence) + "</failure>\n";
  }
  if (c.status != "failed" && !c.evidence.empty()) {
    body += "      <system-out>" + markup_text(c.evidence) + "</system-out>\n";
  }
  if (body.empty()) return xml + "/>\n";
  return xml + ">\n" + body + "    </testcase>\n";
}

long long total_ms(const ValidationRecord& record) {
  for (const auto& t : record.timings) {
    if (t.phase == "total") return t.ms;
  }
  return 0;
}

}  // namespace

std::string render_junit(const ValidationRecord& record) {
  CheckCounts counts;
  std::string cases;
  for (const auto& rc : checks_of(record)) {
    std::string classname = "mkata." + record.target + "." + rc.runtime->name +
                            (rc.runtime->node.empty() ? "" : "." + rc.runtime->node);
    for (const auto& c : rc.checks) cases += testcase(classname, c);
    auto n = count_checks(rc.checks);
    counts.passed += n.passed, counts.failed += n.failed, counts.skipped += n.skipped;
  }
  int errors = 0;
  if (!record.error.empty()) {
    ++errors;
    cases += "    <testcase" + attr("classname", "mkata." + record.target) + attr("name", "run") +
             attr("time", seconds(total_ms(record))) + ">\n      <error" +
             attr("message", record.error.substr(0, record.error.find('\n'))) +
             attr("type", "error") + ">" + markup_text(record.error) +
             "</error>\n    </testcase>\n";
  }
  std::string tests = std::to_string(counts.total() + errors);
  std::string failures = std::to_string(counts.failed), skipped = std::to_string(counts.skipped);
  std::string time = seconds(total_ms(record));
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" +
                    attr("name", "mkata validate") + attr("tests", tests) +
                    attr("failures", failures) + attr("errors", std::to_string(errors)) +
                    attr("time", time) + ">\n";
  xml += "  <testsuite" + attr("name", "mkata.validate." + record.target) + attr("tests", tests) +
         attr("failures", failures) + attr("errors", std::to_string(errors)) +
         attr("skipped", skipped) + attr("time", time);
  static const std::regex kIso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?)");
  if (std::regex_match(record.started_utc, kIso)) {
    xml += attr("timestamp", record.started_utc.substr(0, 19));
  }
  xml += attr("hostname", record.host_name.empty() ? "localhost" : record.host_name) + ">\n";
  xml += "    <properties>\n";
  xml += property("target", record.target);
  if (!record.target_description.empty())
    xml += property("target_description", record.target_description);
  xml += property("started", record.started_utc);
  xml += property("passed", record.passed ? "true" : "false");
  for (const auto& v : record.versions) xml += property("version." + v.component, v.version);
  for (const auto& note : record.target_notes) xml += property("target_note", note);
  for (const auto& t : record.timings) {
    xml += property("timing_ms." + t.phase, std::to_string(t.ms));
  }
  for (const auto& c : record.check) {
    std::string verdict = c.usable ? "usable" : "not usable";
    for (const auto& r : c.reasons) verdict += "; " + r;
    xml += property("check." + c.runtime, verdict);
  }
  xml += "    </properties>\n" + cases;
  std::string out = "mkata validate on " + record.target;
  if (!record.target_description.empty()) out += ": " + record.target_description;
  for (const auto& note : record.target_notes) out += "\n" + note;
  xml += "    <system-out>" + markup_text(out) + "</system-out>\n    <system-err/>\n";
  return xml + "  </testsuite>\n</testsuites>\n";
}

}  // namespace mkata::report
