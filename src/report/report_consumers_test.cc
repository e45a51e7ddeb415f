// The reports read by the programs that consume them elsewhere, as Debian packages them: the
// JUnit XML by junitparser (python3-junitparser, what many CI scripts use to merge and read test
// results), the GitHub step summary by cmark-gfm (GitHub's own Markdown implementation, with
// raw HTML passed through as GitHub does before sanitising). Each test skips with the reason when
// its consumer is not installed (scripts/deps.sh installs both).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/process.h"
#include "report/github_summary.h"
#include "report/junit_report.h"
#include "report/report_test_support.h"
#include "support/test_env.h"

namespace mkata::report {
namespace {

// Debian's python3 (a python3 earlier in PATH, e.g. pyenv's, lacks Debian's modules).
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kReadJunit = R"(
import json, sys, junitparser
out = []
for suite in junitparser.JUnitXml.fromfile(sys.argv[1]):
    cases = []
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        cases.append({"id": case.classname + "/" + case.name, "kinds": kinds,
                      "message": case.result[0].message if case.result else None})
    out.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                "errors": suite.errors, "skipped": suite.skipped, "cases": cases})
print(json.dumps(out))
)";

nlohmann::json read_with_junitparser(const std::string& xml) {
  mkata::test::TempDir dir("mkata-junitparser");
  EXPECT_TRUE(write_output_file(dir / "r.xml", xml));
  auto r = run({kPython, "-c", kReadJunit, dir / "r.xml"});
  EXPECT_TRUE(r && r->ok()) << (r ? r->err : r.error().message());
  return r && r->ok() ? nlohmann::json::parse(r->out) : nlohmann::json::array();
}

#define REQUIRE_JUNITPARSER()                                                           \
  do {                                                                                  \
    auto probe = run({kPython, "-c", "import junitparser"});                            \
    if (!probe || !probe->ok()) GTEST_SKIP() << "python3-junitparser is not installed"; \
  } while (0)

TEST(ReportConsumers, JunitparserReadsTheCountsAndOutcomesOfARealFailedRun) {
  REQUIRE_JUNITPARSER();
  auto suites = read_with_junitparser(render_junit(test::real_run("embedded-failed-run.json")));
  ASSERT_EQ(suites.size(), 1u);
  const auto& s = suites[0];
  EXPECT_EQ(s["name"], "mkata.validate.embedded");
  EXPECT_EQ(s["tests"], 19);
  EXPECT_EQ(s["failures"], 3);
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(s["skipped"], 8);
  ASSERT_EQ(s["cases"].size(), 19u);
  int failures = 0, skipped = 0;
  for (const auto& c : s["cases"]) {
    for (const auto& k : c["kinds"]) {
      failures += k == "Failure", skipped += k == "Skipped";
    }
  }
  EXPECT_EQ(failures, 3);
  EXPECT_EQ(skipped, 8);
  EXPECT_EQ(s["cases"][8]["id"], "mkata.embedded.gvisor/autoscale ready");
  EXPECT_EQ(s["cases"][8]["message"],
            "autoscale did not become ready within 1000 ms (last: no answer yet)");
}

TEST(ReportConsumers, JunitparserReadsHostileTextBackAsShown) {
  REQUIRE_JUNITPARSER();
  auto suites = read_with_junitparser(render_junit(test::hostile_run()));
  ASSERT_EQ(suites.size(), 1u);
  std::string message;
  for (const auto& c : suites[0]["cases"]) {
    std::string id = c["id"];
    if (id.starts_with("mkata.docker.gvisor.node-") &&
        id.ends_with("/isolation: boot_id must differ from the host")) {
      message = c["message"];
    }
  }
  EXPECT_EQ(message,
            "pod is not sandboxed: it shows the host's kernel (boot_id <script>alert(\"x\")"
            "</script> & 'q' \\x01\\x08\\x0b\\x0c\\x1b[31m \\x7f \\uFFFF \\xff\\xfe \\xc3( "
            "\\xed\\xa0\\x80 ]]> --> ");
  EXPECT_EQ(suites[0]["errors"], 1);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string through_cmark(const std::string& markdown) {
  RunOptions options;
  options.input = markdown;
  auto r = run({"cmark-gfm", "--extension", "table", "--unsafe"}, options);
  EXPECT_TRUE(r && r->ok()) << (r ? r->err : r.error().message());
  return r ? r->out : "";
}

TEST(ReportConsumers, CmarkGfmRendersTheSummarysTableAndDetails) {
  MKATA_REQUIRE_PROGRAM("cmark-gfm");
  auto record = test::real_run("embedded-failed-run.json");
  std::string html = through_cmark(render_github_summary(record));
  EXPECT_NE(html.find("<h2>❌ mkata validate on embedded: FAILED</h2>\n<p>✅ runc · ❌ gvisor · ❌ "
                      "kata</p>"),
            std::string::npos)
      << html;
  // The check table; runc's evidence and timings, gvisor's timings; versions and host check.
  EXPECT_EQ(count(html, "<table>"), 1u + 2u + 1u + 2u);
  EXPECT_EQ(count(html, "<details>"), 4u);
  EXPECT_NE(html.find("<td>helloworld ready</td>\n<td align=\"center\">✅ 571 ms</td>\n<td "
                      "align=\"center\">❌</td>\n<td align=\"center\">⏭</td>"),
            std::string::npos)
      << html;
}

TEST(ReportConsumers, CmarkGfmKeepsHostileTextInsideItsCells) {
  MKATA_REQUIRE_PROGRAM("cmark-gfm");
  auto record = test::hostile_run();
  record.runtimes[0].evidence[0].pod = "a | b </td></tr></table> `code` **bold**";
  std::string html = through_cmark(render_github_summary(record));
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("</td></tr></table> `"), std::string::npos) << html;
  // Every row of the evidence table has its five cells: a '|' of outside text splits none.
  size_t at = html.find("<td>boot_id</td>");
  ASSERT_NE(at, std::string::npos) << html;
  std::string row = html.substr(at, html.find("</tr>", at) - at);
  EXPECT_EQ(count(row, "<td"), 5u) << row;
  EXPECT_NE(row.find("a | b &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"), std::string::npos) << row;
}

}  // namespace
}  // namespace mkata::report
