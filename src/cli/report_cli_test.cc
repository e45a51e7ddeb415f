// The real `mkata report` on the stored record of a real run (src/report/testdata): every
// format, --output, and the errors for bad input, checked before anything is written.
#include <gtest/gtest.h>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "support/test_env.h"

namespace mkata {
namespace {

const std::string kRun = source_path("/src/report/testdata/embedded-run.json");

TEST(ReportCli, RendersAStoredRunInEveryFormat) {
  if (!path_exists(binary_path("/src/cli/mkata"))) GTEST_SKIP() << "mkata is not built";
  auto json = test::run_mkata_cli({"report", kRun, "--format", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, read_file(kRun).value_or("")) << "json reproduces the file byte for byte";
  auto md = test::run_mkata_cli({"report", kRun});
  EXPECT_TRUE(md.out.starts_with("# mkata validate — execution report\n")) << md.out;
  mkata::test::TempDir dir("mkata-report-cli");
  for (const auto& [format, start] : std::vector<std::pair<std::string, std::string>>{
           {"html", "<!DOCTYPE html>\n"},
           {"junit", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"},
           {"github", "## ✅ mkata validate on embedded: PASSED\n"}}) {
    auto r = test::run_mkata_cli(
        {"report", kRun, "--format", format, "--output", dir / ("out." + format)});
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(read_file(dir / ("out." + format)).value_or("").starts_with(start)) << format;
  }
  if (find_executable("xmllint")) {
    auto valid = run({"xmllint", "--noout", "--nonet", "--schema",
                      source_path("/tests/schemas/junit.xsd"), dir / "out.junit"});
    ASSERT_TRUE(valid);
    EXPECT_TRUE(valid->ok()) << valid->err;
  }
}

TEST(ReportCli, BadInputIsOneClearLine) {
  if (!path_exists(binary_path("/src/cli/mkata"))) GTEST_SKIP() << "mkata is not built";
  auto r = test::run_mkata_cli({"report", kRun, "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "mkata: error: report: invalid value 'xml' for --format (accepted: markdown, json, "
            "html, junit, github)\nhint: see 'mkata report --help'\n");
  mkata::test::TempDir dir("mkata-report-cli");
  r = test::run_mkata_cli({"report", dir / "missing.json", "--output", dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(
      r.err.starts_with("mkata: error: report: --output " + dir.path() + ": is a directory\n"))
      << "the output is checked before the input is read: " << r.err;
  r = test::run_mkata_cli({"validate", "--junit", "-", "--github-summary", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "mkata: error: validate: --junit - and --github-summary - would share stdout: give "
            "all but one of them a file\nhint: see 'mkata validate --help'\n");
  r = test::run_mkata_cli({"validate", "--html", dir / "no/such/dir/r.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("mkata: error: validate: --html " + dir.path() +
                                "/no/such/dir/r.html: the directory " + dir.path() +
                                "/no/such/dir does not exist\n"))
      << r.err;
}

}  // namespace
}  // namespace mkata
