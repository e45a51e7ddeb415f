// What the report tests share: the stored record of a real run (testdata/embedded-run.json), a
// record full of hostile strings, and running a checker program (xmllint, chromium) on a rendered
// file.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/build_paths.h"
#include "core/files.h"
#include "report/json_report.h"
#include "report/validation_record.h"

namespace mkata::report::test {

/// The record of a real validate run stored in testdata/ (README.md there says how each was made):
/// embedded-run.json (passed; kata skipped) or embedded-failed-run.json.
inline ValidationRecord real_run(const std::string& name = "embedded-run.json") {
  auto text = read_file(source_path("/src/report/testdata/" + name));
  EXPECT_TRUE(text) << text.error().message();
  auto record = parse_json_report(text ? *text : "");
  EXPECT_TRUE(record) << record.error().message();
  return record ? *record : ValidationRecord{};
}

/// Markup, quotes, control characters XML 1.0 forbids, U+FFFF and bytes that are not UTF-8.
inline const std::string kHostile =
    "<script>alert(\"x\")</script> & 'q' \x01\x08\x0b\x0c\x1b[31m \x7f \xef\xbf\xbf \xff\xfe "
    "\xc3\x28 \xed\xa0\x80 ]]> --> \r\n\ttab";

/// A run with one failed runtime (a failed isolation check whose evidence and reason are
/// hostile), a skipped one, a hostile note, version, host name and error.
inline ValidationRecord hostile_run() {
  ValidationRecord r;
  r.started_utc = "2026-12-02T01:41:32Z";
  r.target = "docker";
  r.target_description = "Docker Engine " + kHostile;
  r.target_notes = {kHostile};
  r.host_name = "host" + kHostile;
  r.versions = {{"docker", kHostile}, {"runc", "1.1.5"}};
  r.check = {{"gvisor", true, {kHostile}}, {"kata", false, {"no /dev/vhost-vsock"}}};
  RuntimeOutcome gvisor;  // member by member: the record may gain fields
  gvisor.name = "gvisor";
  gvisor.display_name = "gVisor Containers";
  gvisor.handler = "runsc" + kHostile;
  gvisor.status = "failed";
  gvisor.reason = "pod is not sandboxed: it shows the host's kernel (boot_id " + kHostile + ")";
  gvisor.pod_info = R"({"boot_id":"b1"})";
  gvisor.evidence = {{"boot_id", "b1" + kHostile, "b1", "must differ from the host", false},
                     {"kernel_release", "4.4.0", "6.1", "must differ from the host", true}};
  gvisor.answers = {{"helloworld", kHostile}, {"autoscale", "ok"}};
  gvisor.timings = {{"deploy_and_ready", 1200},
                    {"verify", 30},
                    {"helloworld_ready", 1100},
                    {"autoscale_ready", 1190},
                    {"total", 2000}};
  gvisor.node = "node-" + kHostile;
  RuntimeOutcome kata;
  kata.name = "kata";
  kata.display_name = "Kata Containers";
  kata.status = "skipped";
  kata.reason = "not usable here: " + kHostile;
  r.runtimes = {gvisor, kata};
  r.timings = {{"images_load", 300}, {"total", 4000}};
  r.passed = false;
  r.error = "images remove failed: " + kHostile;
  return r;
}

}  // namespace mkata::report::test
