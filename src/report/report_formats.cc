// See report_formats.h.
#include "report/report_formats.h"

#include "core/strings.h"
#include "report/github_summary.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"

namespace mkata::report {

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> kFormats = {"markdown", "json", "html", "junit", "github"};
  return kFormats;
}

Result<std::string> render_report(const ValidationRecord& record, const std::string& format) {
  if (format == "markdown") return render_markdown(record);
  if (format == "json") return render_json(record);
  if (format == "html") return render_html(record);
  if (format == "junit") return render_junit(record);
  if (format == "github") return render_github_summary(record);
  return fail(Error(
      "unknown report format '" + format + "' (accepted: " + join(report_formats(), ", ") + ")",
      ErrorKind::kUsage));
}

Result<ValidationRecord> as_stored(const ValidationRecord& record) {
  auto stored = parse_json_report(render_json(record));
  if (!stored) return fail(stored.error().wrap("read back the JSON report"));
  return stored;
}

}  // namespace mkata::report
