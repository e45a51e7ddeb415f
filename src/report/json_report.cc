// See json_report.h. nlohmann::json is confined to this file; the embedded /info texts are
// parsed here (a text that is not JSON is kept as a string rather than failing the report).
#include "report/json_report.h"

#include <nlohmann/json.hpp>

namespace mkata::report {
namespace {

using nlohmann::json;

json parse_or_text(const std::string& text) {
  if (text.empty()) return nullptr;
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;
  }
}

json timings_json(const std::vector<PhaseTiming>& timings) {
  json j = json::object();
  for (const auto& t : timings) j[t.phase] = t.ms;
  return j;
}

json runtime_json(const RuntimeOutcome& r, const std::string& host_info) {
  json compared = json::array();
  for (const auto& e : r.evidence) {
    compared.push_back(
        {{"field", e.field}, {"pod", e.pod}, {"host", e.host}, {"rule", e.rule}, {"ok", e.ok}});
  }
  json answers = json::object();
  for (const auto& [workload, answer] : r.answers) answers[workload] = answer;
  json evidence = nullptr;
  if (!r.pod_info.empty() || !r.evidence.empty()) {
    evidence = {{"pod", parse_or_text(r.pod_info)},
                {"host", parse_or_text(host_info)},
                {"compared", compared},
                {"answers", answers}};
  }
  return {{"name", r.name},
          {"node", r.node},
          {"display_name", r.display_name},
          {"handler", r.handler},
          {"status", r.status},
          {"reason", r.reason},
          {"evidence", evidence},
          {"timings_ms", timings_json(r.timings)}};
}

}  // namespace

std::string render_json(const ValidationRecord& record) {
  json versions = json::object();
  for (const auto& v : record.versions) versions[v.component] = v.version;
  json check = json::array();
  for (const auto& c : record.check) {
    check.push_back({{"runtime", c.runtime}, {"usable", c.usable}, {"reasons", c.reasons}});
  }
  json runtimes = json::array();
  for (const auto& r : record.runtimes) runtimes.push_back(runtime_json(r, record.host_info));
  json j = {{"schema", "mkata.validate/v1"},
            {"started", record.started_utc},
            {"target", record.target},
            {"host", record.host_name},
            {"passed", record.passed},
            {"error", record.error},
            {"versions", versions},
            {"check", check},
            {"runtimes", runtimes},
            {"timings_ms", timings_json(record.timings)},
            {"target_description", record.target_description},
            {"target_notes", record.target_notes}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace mkata::report
