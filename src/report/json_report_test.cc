#include "report/json_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mkata::report {
namespace {

ValidationRecord sample() {
  ValidationRecord r;
  r.started_utc = "2026-11-27T23:50:01Z";
  r.host_info = R"({"kernel_release":"6.18.44","boot_id":"b1"})";
  r.versions = {{"containerd", "1.6.20"}, {"runc", "1.1.5"}};
  r.check = {{"kata", false, {"no /dev/vhost-vsock"}}};
  RuntimeOutcome runc{"runc",
                      "runc Containers",
                      "runc",
                      "passed",
                      "",
                      R"({"kernel_release":"6.18.44","boot_id":"b1"})",
                      {{"boot_id", "b1", "b1", "must equal the host", true}},
                      {{"helloworld", "Hello World: runc Containers!\n"}},
                      {{"deploy", 300}, {"ready", 450}},
                      ""};
  RuntimeOutcome kata{
      "kata", "Kata Containers", "", "skipped", "no /dev/vhost-vsock", "", {}, {}, {}, ""};
  r.runtimes = {runc, kata};
  r.timings = {{"total", 9000}};
  r.passed = true;
  return r;
}

TEST(JsonReport, HasTheDocumentedShape) {
  auto j = nlohmann::json::parse(render_json(sample()));
  ASSERT_EQ(j["runtimes"].size(), 2u);
  const auto& runc = j["runtimes"][0];
  EXPECT_EQ(runc["name"], "runc");
  EXPECT_EQ(runc["status"], "passed");
  EXPECT_EQ(runc["reason"], "");
  EXPECT_EQ(runc["timings_ms"]["ready"], 450);
  EXPECT_EQ(runc["evidence"]["pod"]["boot_id"], "b1");
  EXPECT_EQ(runc["evidence"]["host"]["kernel_release"], "6.18.44");
  EXPECT_EQ(runc["evidence"]["compared"][0]["field"], "boot_id");
  EXPECT_EQ(runc["evidence"]["answers"]["helloworld"], "Hello World: runc Containers!\n");
  const auto& kata = j["runtimes"][1];
  EXPECT_EQ(kata["status"], "skipped");
  EXPECT_EQ(kata["reason"], "no /dev/vhost-vsock");
  EXPECT_TRUE(kata["evidence"].is_null());
  EXPECT_TRUE(kata["timings_ms"].is_object());
  EXPECT_EQ(j["versions"]["containerd"], "1.6.20");
  EXPECT_EQ(j["check"][0]["usable"], false);
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["timings_ms"]["total"], 9000);
}

TEST(JsonReport, AStoredReportReadsBackToTheSameReport) {
  auto r = sample();
  r.target = "kube";
  r.target_description = "Kubernetes v1.33.4 through kubectl";
  r.target_notes = {"images pushed to 127.0.0.1:5000/mkata/"};
  r.runtimes[0].node = "node-a";
  r.check = {{"kata", false, {"no /dev/vhost-vsock"}}};
  std::string first = render_json(r);
  auto back = parse_json_report(first);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(render_json(*back), first);
  EXPECT_EQ(back->runtimes[0].node, "node-a");
  EXPECT_EQ(back->runtimes[0].answers.at(0).second, "Hello World: runc Containers!\n");
  EXPECT_EQ(back->target_notes, r.target_notes);
}

// gvisor's platform, read from the running sandbox: an object only where it was proven.
TEST(JsonReport, TheGvisorPlatformThatRanReadsBack) {
  auto r = sample();
  RuntimeOutcome gvisor{"gvisor", "gVisor Containers", "gvisor", "passed", "", "", {}, {}, {}, ""};
  gvisor.platform = "systrap";
  gvisor.platform_evidence = "/proc/42/cmdline of runsc-sandbox: --platform=systrap";
  r.runtimes.push_back(gvisor);
  std::string text = render_json(r);
  auto j = nlohmann::json::parse(text);
  EXPECT_FALSE(j["runtimes"][0].contains("platform"));
  EXPECT_EQ(j["runtimes"][2]["platform"]["name"], "systrap");
  EXPECT_EQ(j["runtimes"][2]["platform"]["evidence"],
            "/proc/42/cmdline of runsc-sandbox: --platform=systrap");
  auto back = parse_json_report(text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->runtimes[2].platform, "systrap");
  EXPECT_EQ(render_json(*back), text);
  auto bad = parse_json_report(
      R"({"schema":"mkata.validate/v1","runtimes":[{"platform":{"name":3}}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "runtimes[0].platform: 'name' must be a string");
}

TEST(JsonReport, WhatIsNotAReportIsAClearError) {
  EXPECT_EQ(parse_json_report("[1]").error().message(),
            "not JSON (a mkata validate report is one JSON object)");
  EXPECT_EQ(parse_json_report(R"({"schema":"other/v9"})").error().message(),
            "not a mkata validate report (schema 'other/v9'; accepted: mkata.validate/v1)");
  EXPECT_EQ(parse_json_report(R"({"schema":"mkata.validate/v1","runtimes":[{"status":7}]})")
                .error()
                .message(),
            "runtimes[0]: 'status' must be a string");
  EXPECT_EQ(parse_json_report(R"({"schema":"mkata.validate/v1","timings_ms":{"total":"x"}})")
                .error()
                .message(),
            "'timings_ms' must be an object of integers");
}

TEST(JsonReport, KeepsAnInfoThatIsNotJsonAsText) {
  auto record = sample();
  record.runtimes[0].pod_info = "garbage{";
  auto j = nlohmann::json::parse(render_json(record));
  EXPECT_EQ(j["runtimes"][0]["evidence"]["pod"], "garbage{");
}

}  // namespace
}  // namespace mkata::report
