// The GitHub Actions step summary of a validation run: Markdown for $GITHUB_STEP_SUMMARY, read in
// the run's page rather than downloaded. A status line (✅ passed, ❌ failed, ⏭ skipped per
// runtime) first, then one table runtime × check (report/run_checks.h), then the details of every
// runtime in a collapsed <details> block. GitHub refuses a step summary over 1 MiB, and a
// workload's answer or a failure text can be any size, so the evidence is cut to fit, with a note
// saying so (the JSON, HTML and JUnit reports keep all of it).
#pragma once

#include <cstddef>
#include <string>

#include "report/validation_record.h"

namespace mkata::report {

/// GitHub's limit on one step's summary (1 MiB), less a margin for what a workflow appends.
inline constexpr size_t kGithubSummaryLimit = 1000 * 1000;

/// Renders the record as step-summary Markdown of at most max_bytes bytes (valid UTF-8). Outside
/// text is escaped: HTML-escaped with '|' and newlines kept out of table cells, code blocks fenced
/// longer than any backtick run they hold, control characters shown as \xNN.
std::string render_github_summary(const ValidationRecord& record,
                                  size_t max_bytes = kGithubSummaryLimit);

}  // namespace mkata::report
