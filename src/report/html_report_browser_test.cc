// The HTML report in a real browser: Debian's Chromium, headless, loads the file offline and
// dumps the DOM it built. No console message may appear (a page without scripts logs only
// errors: a blocked fetch, a CSP violation, a parse problem), and every runtime must be in the
// DOM. Needs no root; skips with the reason when chromium is not installed. Each run gets a fresh
// profile directory (removed after) and its own session, and only that session is killed should
// the browser hang.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "report/html_report.h"
#include "report/report_test_support.h"
#include "support/test_env.h"

namespace mkata::report {
namespace {

struct BrowserView {
  std::string dom;
  std::vector<std::string> console;  ///< the console lines Chromium logged
  std::string failure;               ///< "" when the browser ran and exited 0
};

// The chromium processes of process group `group` (from /proc/<pid>/stat: "pid (comm) state
// ppid pgrp ...").
std::vector<std::string> leftover_helpers(pid_t group) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    auto stat = read_file(entry.path().string() + "/stat");
    if (!stat) continue;
    auto close = stat->rfind(')');
    if (close == std::string::npos) continue;
    auto fields = split(stat->substr(close + 2), ' ');
    std::string comm = stat->substr(stat->find('(') + 1, close - stat->find('(') - 1);
    if (fields.size() > 2 && fields[2] == std::to_string(group) &&
        comm.find("chrom") != std::string::npos) {
      found.push_back(entry.path().filename().string() + " " + comm);
    }
  }
  return found;
}

// action: "--dump-dom" (the DOM on stdout) or "--print-to-pdf=<file>".
BrowserView open_in_chromium(const std::string& html, const std::string& action = "--dump-dom") {
  mkata::test::TempDir dir("mkata-chromium");
  BrowserView view;
  if (auto r = write_output_file(dir / "report.html", html); !r) return {"", {}, "write failed"};
  make_directories(dir / "profile");
  SpawnOptions options;
  options.stdout_path = dir / "dom.html";
  options.stderr_path = dir / "stderr.txt";
  options.new_session = true;  // its own process group: the renderer and GPU helpers with it
  auto child =
      spawn({*find_executable("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir / "profile",
             "--enable-logging=stderr", "--v=0", action, "file://" + dir / "report.html"},
            options);
  if (!child) return {"", {}, child.error().message()};
  pid_t group = child->pid();
  auto status = child->wait_for(std::chrono::seconds(60));
  if (!status) {
    ::kill(-group, SIGKILL);
    child->stop(std::chrono::seconds(1));
    view.failure = "chromium did not finish within 60 s";
  } else if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    view.failure = "chromium exited with status " + std::to_string(*status);
  }
  // Helpers of this browser still alive after it exited: while one lives, the group id cannot be
  // reused, so the group is still ours to kill.
  // Its zygote and renderer wind down a moment after the browser process exits.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!leftover_helpers(group).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (auto left = leftover_helpers(group); !left.empty()) {
    view.failure = "chromium left helpers running 10 s after it exited: " + join(left, ", ");
    ::kill(-group, SIGKILL);
  }
  view.dom = read_file(dir / "dom.html").value_or("");
  for (const auto& line : split(read_file(dir / "stderr.txt").value_or(""), '\n')) {
    if (line.find(":CONSOLE") != std::string::npos) view.console.push_back(line);
  }
  return view;
}

TEST(HtmlReportInChromium, ARealRunRendersWithoutConsoleMessagesAndShowsEveryRuntime) {
  MKATA_REQUIRE_PROGRAM("chromium");
  auto record = test::real_run();
  auto view = open_in_chromium(render_html(record));
  ASSERT_EQ(view.failure, "");
  EXPECT_EQ(join(view.console, "\n"), "");
  ASSERT_EQ(record.runtimes.size(), 4u);
  for (const auto& r : record.runtimes) {
    EXPECT_NE(view.dom.find("<h2><span class=\"rt\">" + r.name + "</span>"), std::string::npos)
        << r.name << "\n"
        << view.dom;
  }
  EXPECT_NE(view.dom.find("22 passed, 0 failed, 6 skipped"), std::string::npos);
}

TEST(HtmlReportInChromium, HostileTextStaysText) {
  MKATA_REQUIRE_PROGRAM("chromium");
  auto record = test::hostile_run();
  record.target_notes.push_back("<img src=\"http://127.0.0.1:9/x.png\"><style>body{}</style>");
  auto view = open_in_chromium(render_html(record));
  ASSERT_EQ(view.failure, "");
  EXPECT_EQ(join(view.console, "\n"), "");
  EXPECT_EQ(view.dom.find("<script"), std::string::npos) << view.dom;
  EXPECT_EQ(view.dom.find("<img"), std::string::npos);
  EXPECT_NE(view.dom.find("&lt;img src=\"http://127.0.0.1:9/x.png\"&gt;"), std::string::npos);
  EXPECT_NE(view.dom.find("<h2><span class=\"rt\">gvisor</span>"), std::string::npos);
}

TEST(HtmlReportInChromium, PrintsToPdf) {
  MKATA_REQUIRE_PROGRAM("chromium");
  mkata::test::TempDir out("mkata-chromium-pdf");
  auto view = open_in_chromium(render_html(test::real_run("embedded-failed-run.json")),
                               "--print-to-pdf=" + out / "report.pdf");
  ASSERT_EQ(view.failure, "");
  EXPECT_EQ(join(view.console, "\n"), "");
  auto pdf = read_file(out / "report.pdf");
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  EXPECT_GT(pdf->size(), 10000u);
}

TEST(HtmlReportInChromium, TheConsoleCheckSeesAnExternalFetchAndAScript) {
  MKATA_REQUIRE_PROGRAM("chromium");
  std::string html = render_html(test::real_run());
  html.replace(html.find("</body>"), 0,
               "<img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script>");
  auto view = open_in_chromium(html);
  ASSERT_EQ(view.failure, "");
  EXPECT_EQ(view.console.size(), 2u) << join(view.console, "\n");
  EXPECT_NE(join(view.console, "\n").find("violates the following Content Security Policy"),
            std::string::npos);
}

}  // namespace
}  // namespace mkata::report
