#include "report/html_report.h"

#include <gtest/gtest.h>

#include <regex>

#include "core/utf8.h"
#include "report/report_test_support.h"

namespace mkata::report {
namespace {

TEST(HtmlReport, ShowsTheSummaryEveryRuntimeItsChecksAndTimings) {
  std::string html = render_html(test::real_run());
  EXPECT_TRUE(
      html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                       "charset=\"utf-8\">\n"));
  EXPECT_NE(html.find("<title>mkata validate on embedded — PASSED — 2026-12-02T01:41:32Z</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><th>Checks</th><td>22 passed, 0 failed, 6 skipped</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><th>Wall time</th><td>10673 ms (node_down 530 ms, node_up 3652 ms)"),
            std::string::npos);
  for (const std::string rt : {"runc", "crun", "gvisor", "kata"}) {
    EXPECT_NE(html.find("<h2><span class=\"rt\">" + rt + "</span>"), std::string::npos) << rt;
  }
  EXPECT_NE(html.find("<tr><td>helloworld ready</td><td><span class=\"passed\">✔ passed</span>"
                      "</td><td class=\"ms\">614 ms</td><td><pre>create_container: 81 ms\n"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td>usable</td><td><span class=\"skipped\">– skipped</span></td>"
                      "<td class=\"ms\">—</td><td><pre>not usable here: vhost_vsock"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>teardown</td><td class=\"ms\">1401 ms</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>containerd</td><td><code>1.6.20~ds1</code></td></tr>"),
            std::string::npos);
}

TEST(HtmlReport, IsSelfContainedAndEscapesEveryOutsideString) {
  auto record = test::hostile_run();
  record.target_notes.push_back("<img src=\"http://example.invalid/x.png\"> <a href=x>");
  std::string html = render_html(record);
  EXPECT_TRUE(is_valid_utf8(html));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<a "), std::string::npos);
  EXPECT_NE(html.find("<li>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q' \\x01"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("&lt;img src=\"http://example.invalid/x.png\"&gt;"), std::string::npos);
  // Nothing reaches outside the file: no attribute refers anywhere, no CSS import or url().
  // Outside text cannot open a tag ('<' is always escaped), so the markup is what lies between
  // '<' and '>'; the note's "src=" is text.
  std::string tags;
  for (size_t open = html.find('<'); open != std::string::npos; open = html.find('<', open + 1)) {
    tags += html.substr(open, html.find('>', open) - open + 1) + "\n";
  }
  std::smatch m;
  EXPECT_FALSE(std::regex_search(tags, m, std::regex(R"((src|href|action|srcset|style)\s*=)")))
      << m.str();
  EXPECT_NE(tags.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'\">"),
            std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // The one http:// in the page is the note's own text, escaped: the clean record has none.
  std::string clean = render_html(test::real_run());
  EXPECT_EQ(clean.find("http://"), std::string::npos);
  EXPECT_EQ(clean.find("https://"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_NE(html.find("<pre>images remove failed: &lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace mkata::report
