#include "report/markdown_report.h"

#include <gtest/gtest.h>

namespace mkata::report {
namespace {

TEST(MarkdownReport, ShowsVersionsCheckSummaryAndEvidence) {
  ValidationRecord r;
  r.started_utc = "2026-11-27T23:50:01Z";
  r.versions = {{"containerd", "1.6.20"}};
  r.check = {{"kata", false, {"no /dev/kvm", "no vhost_vsock"}}};
  r.runtimes = {{"gvisor",
                 "gVisor Containers",
                 "gvisor",
                 "failed",
                 "pod is not sandboxed: it shows the host's kernel (boot_id b1)",
                 "{}",
                 {{"boot_id", "b1", "b1", "must differ from the host", false}},
                 {{"helloworld", "a|b\n"}},
                 {{"helloworld_ready", 1001}, {"total", 2000}},
                 ""}};
  r.timings = {{"node_up", 700}, {"node_down", 500}, {"total", 9000}};
  std::string md = render_markdown(r);
  EXPECT_NE(md.find("- Date (UTC): 2026-11-27T23:50:01Z\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- Result: **FAILED**\n"), std::string::npos);
  EXPECT_NE(md.find("- Wall time: 9000 ms (node up 700 ms, node down 500 ms)\n"),
            std::string::npos);
  EXPECT_NE(md.find("| containerd | 1.6.20 |\n"), std::string::npos);
  EXPECT_NE(md.find("| kata | no | no /dev/kvm; no vhost_vsock |\n"), std::string::npos);
  EXPECT_NE(md.find("| gvisor | ❌ failed | pod is not sandboxed: it shows the host's kernel "
                    "(boot_id b1) | 1001 ms / — | 2000 ms |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| boot_id | b1 | b1 | must differ from the host | **no** |\n"),
            std::string::npos);
  EXPECT_NE(md.find("- helloworld answered: `a\\|b<br>`\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| helloworld_ready | 1001 |\n"), std::string::npos);
}

TEST(MarkdownReport, SaysWhichGvisorPlatformRan) {
  ValidationRecord r;
  RuntimeOutcome gvisor{"gvisor", "gVisor Containers", "gvisor", "passed", "", "", {}, {}, {}, ""};
  gvisor.platform = "ptrace";
  gvisor.platform_evidence = "its stub 7 is ptrace-traced by it";
  r.runtimes = {gvisor};
  EXPECT_NE(render_markdown(r).find("- gVisor platform that ran: **ptrace** (its stub 7 is "
                                    "ptrace-traced by it)\n"),
            std::string::npos)
      << render_markdown(r);
}

TEST(MarkdownReport, NamesTheTargetItsEngineAndHowItRan) {
  ValidationRecord r;
  r.target = "podman";
  r.target_description = "Podman 4.3.1 (rootful)";
  r.target_notes = {"--ulimit nofile=20000:20000"};
  r.runtimes = {{"runc", "runc Containers", "runc", "passed", "", "", {}, {}, {}, "node-a"}};
  r.timings = {{"images_load", 300}, {"total", 900}};
  std::string md = render_markdown(r);
  EXPECT_NE(md.find("- Target: podman — Podman 4.3.1 (rootful)\n  - --ulimit nofile=20000:20000\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- Wall time: 900 ms (images load 300 ms)\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- `podman` runtime: `runc`\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| runc @ node-a | ✅ passed |"), std::string::npos) << md;
  EXPECT_NE(md.find("### runc on node node-a (runc Containers)\n"), std::string::npos) << md;
}

}  // namespace
}  // namespace mkata::report
