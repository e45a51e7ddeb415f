#include "report/junit_report.h"

#include <gtest/gtest.h>

#include "core/process.h"
#include "core/strings.h"
#include "report/report_test_support.h"
#include "support/test_env.h"

namespace mkata::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// xmllint's verdict on xml against tests/schemas/junit.xsd: "" when valid, else its complaint.
std::string schema_errors(const std::string& xml) {
  mkata::test::TempDir dir("mkata-junit");
  auto written = write_output_file(dir / "report.xml", xml);
  if (!written) return written.error().message();
  auto r = run({"xmllint", "--noout", "--nonet", "--schema",
                source_path("/tests/schemas/junit.xsd"), dir / "report.xml"});
  if (!r) return r.error().message();
  return r->ok() ? "" : "xmllint " + r->describe() + "\n" + r->err;
}

TEST(JunitReport, ARealRunIsOneTestcasePerRuntimeAndCheck) {
  MKATA_REQUIRE_PROGRAM("xmllint");
  std::string xml = render_junit(test::real_run());
  // runc, crun: usable + 2 ready + 2 answer + 2 isolation rules; gvisor: 3 rules; kata: skipped
  // (usable, 2 ready, 2 answer, isolation).
  EXPECT_EQ(count(xml, "<testcase "), 28u) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"mkata.validate.embedded\" tests=\"28\" failures=\"0\" "
                     "errors=\"0\" skipped=\"6\" time=\"10.673\" timestamp=\"2026-12-02T01:41:32\" "
                     "hostname=\"vm\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"version.containerd\" value=\"1.6.20~ds1\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"mkata.embedded.runc\" name=\"helloworld ready\" "
                     "time=\"0.614\">\n      <system-out>create_container: 81 ms\nready: 614 ms\n"
                     "run_pod_sandbox: 367 ms\nstart_container: 147 ms</system-out>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"mkata.embedded.gvisor\" name=\"isolation: boot_id "
                     "must differ from the host\" time=\"0.000\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"mkata.embedded.kata\" name=\"helloworld ready\" "
                     "time=\"0.000\">\n      <skipped message=\"not usable here: vhost_vsock is "
                     "not available: no /dev/vhost-vsock and no vhost_vsock module loaded; Kata "
                     "shim containerd-shim-kata-v2 is not installed\"/>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(schema_errors(xml), "");
}

TEST(JunitReport, ARealFailedRunHasAFailurePerFailedCheck) {
  MKATA_REQUIRE_PROGRAM("xmllint");
  std::string xml = render_junit(test::real_run("embedded-failed-run.json"));
  EXPECT_NE(xml.find("tests=\"19\" failures=\"3\" errors=\"0\" skipped=\"8\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"mkata.embedded.gvisor\" name=\"helloworld ready\" "
                     "time=\"0.000\">\n      <failure message=\"helloworld did not become ready "
                     "within 1000 ms (last: no answer yet)\" type=\"readiness\">helloworld did "
                     "not become ready within 1000 ms (last: no answer yet)\ncreate_container: 26 "
                     "ms\nrun_pod_sandbox: 981 ms\nstart_container: 615 ms</failure>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"mkata.embedded.kata\" name=\"usable\" "
                     "time=\"0.000\">\n      <failure message=\"requested but not usable here: "),
            std::string::npos);
  EXPECT_EQ(schema_errors(xml), "");
}

TEST(JunitReport, AFailedCheckCarriesItsEvidenceAndHostileTextStaysValidXml) {
  MKATA_REQUIRE_PROGRAM("xmllint");
  std::string xml = render_junit(test::hostile_run());
  EXPECT_EQ(schema_errors(xml), "") << xml;
  // The failed comparison: the reason as the message, the compared values as the text.
  EXPECT_NE(xml.find("name=\"isolation: boot_id must differ from the host\" time=\"0.000\">\n"
                     "      <failure message=\"pod is not sandboxed: it shows the host&#39;s "
                     "kernel (boot_id &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                     "&#39;q&#39; \\x01\\x08\\x0b\\x0c\\x1b[31m \\x7f \\uFFFF \\xff\\xfe \\xc3( "
                     "\\xed\\xa0\\x80 ]]&gt; --&gt; \" type=\"isolation\">pod is not sandboxed"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("pod: b1&lt;script&gt;alert(\"x\")"), std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"mkata.docker\" name=\"run\" time=\"4.000\">\n"
                     "      <error message=\"images remove failed: &lt;script&gt;"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("failures=\"1\" errors=\"1\" skipped=\"6\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
}

TEST(JunitReport, TheSchemaCheckRejectsWhatCiSystemsWouldNot) {
  MKATA_REQUIRE_PROGRAM("xmllint");
  std::string xml = render_junit(test::real_run());
  ASSERT_EQ(schema_errors(xml), "");
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string copy = xml;
    auto at = copy.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? copy : copy.replace(at, from.size(), to);
  };
  EXPECT_NE(schema_errors(broken("failures=\"0\"", "failures=\"none\"")), "");
  EXPECT_NE(schema_errors(broken(" name=\"usable\"", "")), "");
  EXPECT_NE(schema_errors(broken("<skipped message", "<skipped/><failure message")), "");
  EXPECT_NE(schema_errors(broken("vhost_vsock", "vhost\x01vsock")), "") << "not well-formed";
  EXPECT_NE(schema_errors(broken("<testsuite ", "<suite ")), "");
}

}  // namespace
}  // namespace mkata::report
