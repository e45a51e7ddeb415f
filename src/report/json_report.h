// The JSON form of a validation run (docs/validate-json.md): machine-readable, stable keys.
#pragma once

#include <string>

#include "core/error.h"
#include "report/validation_record.h"

namespace mkata::report {

/// Renders the record as pretty-printed JSON ending in a newline.
std::string render_json(const ValidationRecord& record);

/// Reads a stored report back (`mkata report FILE.json`): the inverse of render_json, so that
/// render_json(parse_json_report(render_json(r))) == render_json(r). Objects keyed by name
/// (versions, timings, answers) come back in key order. Untrusted input: errors name what is
/// wrong, e.g. "not a mkata validate report (schema 'x'; accepted: mkata.validate/v1)",
/// "runtimes[1]: 'status' must be a string".
Result<ValidationRecord> parse_json_report(const std::string& text);

}  // namespace mkata::report
