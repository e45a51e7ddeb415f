// The Markdown form of a validation run, shaped like an execution report: when and where it ran,
// the versions of every component, the host check, a summary table, then one section per runtime
// with its verdict, the isolation evidence (pod vs. host) and the timing of every phase.
#pragma once

#include <string>

#include "report/validation_record.h"

namespace mkata::report {

/// Renders the record as GitHub-flavoured Markdown.
std::string render_markdown(const ValidationRecord& record);

}  // namespace mkata::report
