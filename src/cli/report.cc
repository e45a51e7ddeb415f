// mkata report FILE.json: renders a stored `validate --json` report again (docs/reports.md,
// docs/validate-json.md) as Markdown, JSON, HTML, JUnit XML or a GitHub step summary, e.g. for a
// CI job that keeps only the JSON. The record is read back by report::parse_json_report, so every
// format tells the same story as the run did.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/files.h"
#include "core/output_path.h"
#include "report/json_report.h"
#include "report/report_formats.h"

namespace mkata::cli {

Result<int> report_command(const CommandArgs& args) {
  ArgParser parser("report",
                   "render a stored validate report (FILE.json) as Markdown, JSON, HTML, JUnit "
                   "XML or a GitHub step summary");
  std::vector<std::string> files;
  std::string format = "markdown", out;
  parser.positionals(&files, "FILE.json");
  parser.option("format", &format, "FORMAT",
                "default markdown; json: the file again, byte for byte; html: one "
                "self-contained page; junit: JUnit XML for CI test reports; github: Markdown "
                "for $GITHUB_STEP_SUMMARY");
  parser.choices("format", report::report_formats());
  parser.option("output", &out, "FILE", "write there instead of stdout");
  parser.option("out", &out, "FILE", "same as --output");
  auto go = parser.parse(args);
  if (!go) return fail(go.error());
  if (!*go) return kExitOk;
  if (files.size() != 1) {
    return fail(usage_error("report",
                            "give exactly one FILE.json (a report of mkata validate "
                            "--json)"));
  }
  if (!out.empty()) {
    if (auto ok = check_output_path("--output", out); !ok) return fail(ok.error().wrap("report"));
  }
  auto text = read_file(files[0]);
  if (!text) return fail(text.error().wrap("report"));
  auto record = report::parse_json_report(*text);
  if (!record) return fail(usage_error("report", files[0] + ": " + record.error().message()));
  auto rendered = report::render_report(*record, format);
  if (!rendered) return fail(usage_error("report", rendered.error().message()));
  if (out.empty() || out == "-") {
    std::fputs(rendered->c_str(), stdout);
    return kExitOk;
  }
  if (auto r = write_output_file(out, *rendered); !r) return fail(r.error().wrap("report"));
  return kExitOk;
}

}  // namespace mkata::cli
