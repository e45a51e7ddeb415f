#include "report/github_summary.h"

#include <gtest/gtest.h>

#include "core/strings.h"
#include "core/utf8.h"
#include "report/report_test_support.h"

namespace mkata::report {
namespace {

TEST(GithubSummary, AStatusLineATableAndDetailsPerRuntime) {
  std::string md = render_github_summary(test::real_run());
  EXPECT_EQ(md.substr(0, md.find("\n\n")), "## ✅ mkata validate on embedded: PASSED") << md;
  EXPECT_NE(md.find("\n\n✅ runc · ✅ crun · ✅ gvisor · ⏭ kata\n\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| check | runc | crun | gvisor | kata |\n|---|:---:|:---:|:---:|:---:|\n"
                    "| usable | ✅ | ✅ | ✅ | ⏭ |\n"
                    "| autoscale ready | ✅ 648 ms | ✅ 574 ms | ✅ 1401 ms | ⏭ |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| isolation: boot_id must equal the host | ✅ | ✅ | — | — |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("<details><summary>⏭ <b>kata</b> (Kata Containers) — skipped</summary>\n\n"
                    "**Reason:** not usable here: vhost_vsock is not available"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**helloworld** answered:\n\n```text\nHello World: gVisor Containers!\n\n```"),
            std::string::npos)
      << md;
  EXPECT_LT(md.size(), 20000u);
}

TEST(GithubSummary, OutsideTextCannotBreakTheMarkdown) {
  auto record = test::hostile_run();
  record.runtimes[0].answers[0].second = "``` fenced ```` answer";
  std::string md = render_github_summary(record);
  EXPECT_TRUE(is_valid_utf8(md));
  // Raw markup only inside fenced code blocks (shown as text there).
  std::string outside;
  std::string fence;  // the open code block's fence, "" outside
  for (const auto& line : split(md, '\n')) {
    if (fence.empty() && line.starts_with("```") && line.ends_with("text")) {
      fence = line.substr(0, line.size() - 4);
    } else if (!fence.empty() && line == fence) {
      fence.clear();
    } else if (fence.empty()) {
      outside += line + "\n";
    }
  }
  EXPECT_EQ(fence, "");
  EXPECT_EQ(outside.find("<script>"), std::string::npos) << outside;
  EXPECT_NE(md.find("```text\npod is not sandboxed: it shows the host's kernel (boot_id "
                    "<script>alert"),
            std::string::npos);
  EXPECT_EQ(md.find('\x01'), std::string::npos);
  EXPECT_NE(md.find("## ❌ mkata validate on docker: FAILED"), std::string::npos);
  EXPECT_NE(md.find("> ❌ **Error:** images remove failed: &lt;script&gt;"), std::string::npos)
      << md;
  EXPECT_NE(md.find("\n`````text\n``` fenced ```` answer\n`````\n"), std::string::npos) << md;
  EXPECT_NE(md.find("❌ **isolation: boot_id must differ from the host**"), std::string::npos);
  EXPECT_NE(md.find("| runc | 1.1.5 |"), std::string::npos);
}

TEST(GithubSummary, StaysUnderGithubsLimitWithANote) {
  auto record = test::real_run();
  std::string huge(3 * 1024 * 1024, 'x');
  huge.replace(65535, 2, "é");  // a cut must not split a UTF-8 sequence
  record.runtimes[0].answers[0].second = huge;
  std::string md = render_github_summary(record);
  EXPECT_LE(md.size(), kGithubSummaryLimit);
  EXPECT_TRUE(is_valid_utf8(md));
  EXPECT_NE(md.find("more bytes cut to stay under GitHub's 1 MiB step-summary limit"),
            std::string::npos);
  EXPECT_NE(md.find("| usable | ✅ | ✅ | ✅ | ⏭ |"), std::string::npos);

  std::string tiny = render_github_summary(record, 3000);
  EXPECT_LE(tiny.size(), 3000u);
  EXPECT_TRUE(tiny.starts_with("## ✅ mkata validate on embedded: PASSED"));
  EXPECT_TRUE(tiny.ends_with("(the JSON, HTML and JUnit reports have all of it)*\n")) << tiny;
}

}  // namespace
}  // namespace mkata::report
