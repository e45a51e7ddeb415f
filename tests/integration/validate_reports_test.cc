// The reports of a real `mkata validate` on the embedded node, as root: --json, --junit, --html
// and --github-summary written by one run; the JUnit file is valid against
// tests/schemas/junit.xsd and has one testcase per runtime × check, the HTML shows every runtime
// the run recorded, and `mkata report` renders the stored JSON into the very same files (a CI job
// that keeps only the JSON loses nothing). Run under the integration lock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "embedded/host_state.h"
#include "integration/node_test_env.h"
#include "support/test_env.h"

namespace mkata {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ValidateReports, OneRunWritesEveryFormatAndTheStoredJsonRendersTheSame) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (runs real containerd/runtimes)";
  if (!find_executable("containerd")) GTEST_SKIP() << "containerd is not installed";
  MKATA_REQUIRE_PROGRAM("xmllint");
  auto node = test::node_test_options("reports");
  test::clean_slate(node);
  std::string forward_before = embedded::read_sysctl("net.ipv4.ip_forward").value_or("?");
  test::TempDir dir("mkata-validate-reports");
  auto r = test::run_mkata({"validate", "--json", dir / "run.json", "--junit", dir / "run.xml",
                            "--html", dir / "run.html", "--github-summary", dir / "summary.md"},
                           node, std::chrono::seconds(300));
  test::expect_nothing_left(node, {}, forward_before);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  auto json = nlohmann::json::parse(read_file(dir / "run.json").value_or("{}"));
  ASSERT_FALSE(json["runtimes"].empty()) << r.out << r.err;
  EXPECT_EQ(json["passed"].get<bool>(), r.exit_code == 0);

  std::string xml = read_file(dir / "run.xml").value_or("");
  auto valid = run({"xmllint", "--noout", "--nonet", "--schema",
                    source_path("/tests/schemas/junit.xsd"), dir / "run.xml"});
  ASSERT_TRUE(valid);
  EXPECT_TRUE(valid->ok()) << valid->err << xml;
  std::string html = read_file(dir / "run.html").value_or("");
  std::string summary = read_file(dir / "summary.md").value_or("");
  EXPECT_TRUE(summary.starts_with(json["passed"].get<bool>()
                                      ? "## ✅ mkata validate on embedded: PASSED\n"
                                      : "## ❌ mkata validate on embedded: FAILED\n"))
      << summary;
  for (const auto& rt : json["runtimes"]) {
    std::string name = rt["name"];
    EXPECT_GE(count(xml, "classname=\"mkata.embedded." + name + "\""), 6u) << name;
    EXPECT_NE(html.find("<h2><span class=\"rt\">" + name + "</span>"), std::string::npos) << name;
    if (rt["status"] == "skipped") {
      EXPECT_NE(xml.find("<skipped message=\"" + rt["reason"].get<std::string>().substr(0, 20)),
                std::string::npos)
          << name;
    }
  }

  for (const auto& [format, written] : std::vector<std::pair<std::string, std::string>>{
           {"junit", xml}, {"html", html}, {"github", summary}}) {
    auto again = test::run_mkata_cli({"report", dir / "run.json", "--format", format});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, written) << format << ": the stored JSON renders differently";
  }
}

}  // namespace
}  // namespace mkata
