// The checks of a validation run, one list for every report that itemises them (JUnit, HTML, the
// GitHub summary), derived from the record so that a stored JSON report (docs/validate-json.md)
// renders the same as the run did. Per runtime, in this order:
//   usable                  mkata check found the runtime usable here (else every check skips)
//   <workload> ready        each workload's pod answered /healthz (time: <workload>_ready)
//   <workload> answer       its answer was the expected one
//   isolation: <field> <rule>   each value of the isolation proof (pod vs. host)
//   other                   only when a failure names none of the above
// The record keeps a failed runtime's failures as one text joined with "; " (validate's order:
// deploy errors, then the first failed answer or isolation check, then teardown errors); each
// part goes to the check it names: a workload's name (as a word) before the answers were fetched
// is that workload's readiness, after it that workload's answer; "pod ..." with a failed
// comparison is the isolation; a part naming nothing continues the part before it. So every
// failure text lands in exactly one failed check, and a failed runtime has at least one.
#pragma once

#include <string>
#include <vector>

#include "report/validation_record.h"

namespace mkata::report {

/// One check of one runtime.
struct CheckResult {
  std::string name;      ///< e.g. "helloworld ready", "isolation: boot_id must equal the host"
  std::string status;    ///< passed | failed | skipped
  std::string message;   ///< why failed or skipped, one line; "" when passed
  std::string evidence;  ///< what proves it: failure texts, compared values, the answer, timings
  long long ms = -1;     ///< the time the record holds for this check; -1 when none
};

/// A runtime of the record with its checks.
struct RuntimeChecks {
  const RuntimeOutcome* runtime = nullptr;
  std::vector<CheckResult> checks;
};

/// How many checks passed, failed and were skipped.
struct CheckCounts {
  int passed = 0, failed = 0, skipped = 0;
  int total() const { return passed + failed + skipped; }
};

/// The workloads the record knows of (from every runtime's answers and <workload>_ready
/// timings, in order of appearance); helloworld and autoscale when no runtime ran.
std::vector<std::string> record_workloads(const ValidationRecord& record);

/// The checks of one runtime (see the top of this file); workloads: record_workloads();
/// check_notes: what mkata check noted about a usable runtime (the evidence of "usable").
std::vector<CheckResult> runtime_checks(const RuntimeOutcome& runtime,
                                        const std::vector<std::string>& workloads,
                                        const std::vector<std::string>& check_notes = {});

/// Every runtime of the record with its checks, in the record's order. The pointers are into
/// record, which must outlive the result.
std::vector<RuntimeChecks> checks_of(const ValidationRecord& record);

/// The counts over checks.
CheckCounts count_checks(const std::vector<CheckResult>& checks);

}  // namespace mkata::report
