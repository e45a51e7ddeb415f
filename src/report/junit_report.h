// The JUnit XML form of a validation run, in the dialect CI systems read (Ant's JUnit task,
// Maven Surefire, Jenkins' JUnit plugin, GitLab, GitHub test-report actions): one <testsuite>
// per run, one <testcase> per runtime × check (report/run_checks.h), classname
// "mkata.<target>.<runtime>" ("…<runtime>.<node>" on a node × runtime matrix). A skipped
// runtime's checks are <skipped> with check's reason, a failed check is a <failure> whose text
// is the evidence, and a failure outside any runtime (the node did not come up) is an <error> of
// the testcase "mkata.<target>" / "run". tests/schemas/junit.xsd is the shape, checked in a test.
#pragma once

#include <string>

#include "report/validation_record.h"

namespace mkata::report {

/// Renders the record as a JUnit XML document (UTF-8, ending in a newline). Every outside string
/// is escaped (report/markup_escape.h), so the document is well-formed whatever the record holds.
std::string render_junit(const ValidationRecord& record);

}  // namespace mkata::report
