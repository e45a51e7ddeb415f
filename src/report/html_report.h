// The HTML form of a validation run: one self-contained file to open from a CI artifact or a
// mail, offline and printable. Inline CSS only, no script, no image, no link, and a
// Content-Security-Policy of default-src 'none' so that a browser would refuse to fetch anything
// even if some text slipped through. It shows what the Markdown report does (when, where, which
// versions, the verdicts, the isolation evidence, every phase's time) and itemises the checks of
// report/run_checks.h per runtime, each with its evidence.
#pragma once

#include <string>

#include "report/validation_record.h"

namespace mkata::report {

/// Renders the record as an HTML5 document (UTF-8, ending in a newline). Every outside string is
/// escaped (report/markup_escape.h).
std::string render_html(const ValidationRecord& record);

}  // namespace mkata::report
