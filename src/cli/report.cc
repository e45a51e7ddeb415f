// mkata report FILE.json: renders a stored `validate --json` report again (docs/validate-json.md)
// as Markdown or JSON, e.g. for a CI job that keeps only the JSON. The record is read back by
// report::parse_json_report, so every format tells the same story as the run did.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/files.h"
#include "core/output_path.h"
#include "report/json_report.h"
#include "report/markdown_report.h"

namespace mkata::cli {

Result<int> report_command(const CommandArgs& args) {
  ArgParser parser("report", "render a stored validate report (FILE.json) as Markdown or JSON");
  std::vector<std::string> files;
  std::string format = "markdown", out;
  parser.positionals(&files, "FILE.json");
  parser.option("format", &format, "FORMAT", "markdown (default) or json");
  parser.choices("format", {"markdown", "json"});
  parser.option("out", &out, "FILE", "write there instead of stdout");
  auto go = parser.parse(args);
  if (!go) return fail(go.error());
  if (!*go) return kExitOk;
  if (files.size() != 1) {
    return fail(usage_error("report",
                            "give exactly one FILE.json (a report of mkata validate "
                            "--json)"));
  }
  if (!out.empty()) {
    if (auto ok = check_output_path("--out", out); !ok) return fail(ok.error().wrap("report"));
  }
  auto text = read_file(files[0]);
  if (!text) return fail(text.error().wrap("report"));
  auto record = report::parse_json_report(*text);
  if (!record) return fail(usage_error("report", files[0] + ": " + record.error().message()));
  std::string rendered =
      format == "json" ? report::render_json(*record) : report::render_markdown(*record);
  if (out.empty()) {
    std::fputs(rendered.c_str(), stdout);
    return kExitOk;
  }
  if (auto r = write_output_file(out, rendered); !r) return fail(r.error().wrap("report"));
  return kExitOk;
}

}  // namespace mkata::cli
