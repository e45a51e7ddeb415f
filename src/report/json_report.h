// The JSON form of a validation run (docs/validate-json.md): machine-readable, stable keys.
#pragma once

#include <string>

#include "report/validation_record.h"

namespace mkata::report {

/// Renders the record as pretty-printed JSON ending in a newline.
std::string render_json(const ValidationRecord& record);

}  // namespace mkata::report
