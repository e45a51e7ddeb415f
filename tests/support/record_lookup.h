// Looking things up in a validate record (report/validation_record.h), for the tests that run a
// validation and assert on what it recorded.
#pragma once

#include <string>

#include "report/validation_record.h"

namespace mkata::test {

/// The outcome of runtime `name`, or nullptr when the record has none.
inline const report::RuntimeOutcome* outcome(const report::ValidationRecord& r,
                                             const std::string& name) {
  for (const auto& o : r.runtimes) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

/// The version the record names for `component` ("containerd", "runsc", ...), "" when none.
inline std::string version_of(const report::ValidationRecord& r, const std::string& component) {
  for (const auto& v : r.versions) {
    if (v.component == component) return v.version;
  }
  return "";
}

/// The time of one phase of a runtime, -1 when it was not recorded.
inline long long timing(const report::RuntimeOutcome& o, const std::string& phase) {
  for (const auto& t : o.timings) {
    if (t.phase == phase) return t.ms;
  }
  return -1;
}

}  // namespace mkata::test
