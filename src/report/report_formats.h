// The report formats by name, for the CLI: `mkata report --format NAME` and validate's output
// options render through here, so every command offers the same formats with the same output.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "report/validation_record.h"

namespace mkata::report {

/// The format names, in the order help texts list them.
const std::vector<std::string>& report_formats();

/// The record rendered in format: markdown (report/markdown_report.h), json (json_report.h),
/// html (html_report.h), junit (junit_report.h), github (github_summary.h). An unknown name is a
/// usage error: "unknown report format 'x' (accepted: markdown, json, html, junit, github)".
Result<std::string> render_report(const ValidationRecord& record, const std::string& format);

/// The record as its stored JSON reads back (parse_json_report(render_json(record))): objects
/// keyed by name (timings, answers) in key order. validate renders its JUnit, HTML and GitHub
/// files from this, so that `mkata report FILE.json` reproduces them byte for byte from --json.
Result<ValidationRecord> as_stored(const ValidationRecord& record);

}  // namespace mkata::report
