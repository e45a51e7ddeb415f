// See json_report.h. nlohmann::json is confined to this file; the embedded /info texts are
// parsed here (a text that is not JSON is kept as a string rather than failing the report).
#include "report/json_report.h"

#include <nlohmann/json.hpp>
#include <optional>

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
  json j = {{"name", r.name},
            {"node", r.node},
            {"display_name", r.display_name},
            {"handler", r.handler},
            {"status", r.status},
            {"reason", r.reason},
            {"evidence", evidence},
            {"timings_ms", timings_json(r.timings)}};
  // gvisor only, and only when read from the running sandbox (docs/validate-json.md).
  if (!r.platform.empty()) {
    j["platform"] = {{"name", r.platform}, {"evidence", r.platform_evidence}};
  }
  return j;
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

namespace mkata::report {
namespace {

// Reads fields of one object, remembering the first problem (nlohmann throws on a wrong type;
// every access here checks the type first).
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}
  std::string text(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return "";
    if (!it->is_string()) return bad(key, "a string"), "";
    return it->get<std::string>();
  }
  bool flag(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end()) return false;
    if (!it->is_boolean()) return bad(key, "true or false"), false;
    return it->get<bool>();
  }
  const json* array(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    if (!it->is_array()) return bad(key, "an array"), nullptr;
    return &*it;
  }
  const json* object(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    if (!it->is_object()) return bad(key, "an object"), nullptr;
    return &*it;
  }
  std::vector<PhaseTiming> timings(const char* key) {
    std::vector<PhaseTiming> out;
    if (const json* t = object(key)) {
      for (const auto& [phase, ms] : t->items()) {
        if (!ms.is_number_integer()) return bad(key, "an object of integers"), out;
        out.push_back({phase, ms.get<long long>()});
      }
    }
    return out;
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    if (const json* a = array(key)) {
      for (const auto& v : *a) {
        if (!v.is_string()) return bad(key, "an array of strings"), out;
        out.push_back(v.get<std::string>());
      }
    }
    return out;
  }
  const std::optional<std::string>& problem() const { return problem_; }

 private:
  void bad(const char* key, const char* what) {
    if (!problem_) problem_ = where_ + "'" + key + "' must be " + what;
  }
  const json& j_;
  std::string where_;
  std::optional<std::string> problem_;
};

std::string text_of(const json& j) {
  if (j.is_null()) return "";
  return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

Result<ValidationRecord> parse_json_report(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Error::usage("not JSON (a mkata validate report is one JSON object)"));
  ValidationRecord r;
  Fields top(j, "");
  std::string schema = top.text("schema");
  if (schema != "mkata.validate/v1") {
    return fail(Error::usage("not a mkata validate report (schema '" + schema +
                             "'; accepted: mkata.validate/v1)"));
  }
  r.started_utc = top.text("started");
  r.target = top.text("target");
  r.target_description = top.text("target_description");
  r.target_notes = top.strings("target_notes");
  r.host_name = top.text("host");
  r.passed = top.flag("passed");
  r.error = top.text("error");
  if (const json* versions = top.object("versions")) {
    for (const auto& [component, version] : versions->items()) {
      r.versions.push_back({component, text_of(version)});
    }
  }
  if (const json* check = top.array("check")) {
    for (size_t i = 0; i < check->size(); ++i) {
      Fields c((*check)[i], "check[" + std::to_string(i) + "]: ");
      r.check.push_back({c.text("runtime"), c.flag("usable"), c.strings("reasons")});
      if (c.problem()) return fail(Error::usage(*c.problem()));
    }
  }
  if (const json* runtimes = top.array("runtimes")) {
    for (size_t i = 0; i < runtimes->size(); ++i) {
      const json& item = (*runtimes)[i];
      if (!item.is_object())
        return fail(Error::usage("runtimes[" + std::to_string(i) + "] must be an object"));
      Fields f(item, "runtimes[" + std::to_string(i) + "]: ");
      RuntimeOutcome o;
      o.name = f.text("name");
      o.node = f.text("node");
      o.display_name = f.text("display_name");
      o.handler = f.text("handler");
      o.status = f.text("status");
      o.reason = f.text("reason");
      if (const json* platform = f.object("platform")) {
        Fields p(*platform, "runtimes[" + std::to_string(i) + "].platform: ");
        o.platform = p.text("name");
        o.platform_evidence = p.text("evidence");
        if (p.problem()) return fail(Error::usage(*p.problem()));
      }
      o.timings = f.timings("timings_ms");
      if (const json* evidence = f.object("evidence")) {
        Fields e(*evidence, "runtimes[" + std::to_string(i) + "].evidence: ");
        o.pod_info = text_of(evidence->value("pod", json()));
        if (r.host_info.empty()) r.host_info = text_of(evidence->value("host", json()));
        if (const json* compared = e.array("compared")) {
          for (const auto& c : *compared) {
            Fields row(c, "runtimes[" + std::to_string(i) + "].evidence.compared: ");
            o.evidence.push_back({row.text("field"), row.text("pod"), row.text("host"),
                                  row.text("rule"), row.flag("ok")});
            if (row.problem()) return fail(Error::usage(*row.problem()));
          }
        }
        if (const json* answers = e.object("answers")) {
          for (const auto& [workload, answer] : answers->items()) {
            o.answers.emplace_back(workload, text_of(answer));
          }
        }
        if (e.problem()) return fail(Error::usage(*e.problem()));
      }
      if (f.problem()) return fail(Error::usage(*f.problem()));
      r.runtimes.push_back(std::move(o));
    }
  }
  r.timings = top.timings("timings_ms");
  if (top.problem()) return fail(Error::usage(*top.problem()));
  return r;
}

}  // namespace mkata::report
