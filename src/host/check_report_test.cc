#include "host/check_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

TEST(CheckReport, TextStartsWithOneVerdictLinePerRuntimeThenKata) {
  HostFacts facts = testing::probe_fixture(testing::fixture_dir("kvm-no-vsock"));
  std::string text = render_check_text(facts, judge_runtimes(facts));
  const std::string kStart =
      "runc    usable\n"
      "crun    usable\n"
      "gvisor  usable\n"
      "kata    not usable: vhost_vsock is not available: no /dev/vhost-vsock and no vhost_vsock "
      "module loaded\n"
      "\n"
      "System is not capable of running Kata Containers\n"
      "  reason: vhost_vsock is not available: no /dev/vhost-vsock and no vhost_vsock module "
      "loaded\n"
      "  note: kvm_intel nested is N: Kata runs here, but VMs on this host cannot run Kata "
      "themselves\n";
  EXPECT_EQ(text.substr(0, kStart.size()), kStart);
  EXPECT_NE(text.find("    /dev/vhost-vsock: absent\n"), std::string::npos);
  EXPECT_NE(text.find("  gvisor platforms (mkata would use: ptrace, with /usr/bin/runsc "
                      "20221219.0)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  installed (containerd config schema v2)\n"), std::string::npos);
}

TEST(CheckReport, SeveralReasonsShareTheVerdictLine) {
  HostFacts facts = testing::probe_fixture(testing::fixture_dir("lab-vm-kvm-pvm"));
  std::string text = render_check_text(facts, judge_runtimes(facts));
  EXPECT_NE(text.find("\nkata    not usable: vhost_vsock is not available: no /dev/vhost-vsock and "
                      "no vhost_vsock module loaded | Kata shim containerd-shim-kata-v2 is not "
                      "installed\n"),
            std::string::npos);
}

TEST(CheckReport, CapableKataUsesKataCheckWording) {
  HostFacts facts = testing::probe_fixture(testing::fixture_dir("intel-bare-metal-kvm"));
  std::string text = render_check_text(facts, judge_runtimes(facts));
  EXPECT_NE(text.find("\nkata    usable\n\nSystem is capable of running Kata Containers\n"),
            std::string::npos);
}

TEST(CheckReport, JsonFollowsTheDocumentedSchema) {
  HostFacts facts = testing::probe_fixture(testing::fixture_dir("lab-vm-kvm-pvm"));
  auto doc = nlohmann::json::parse(render_check_json(facts, judge_runtimes(facts)));
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["root"], testing::fixture_dir("lab-vm-kvm-pvm"));
  for (const char* name : kRuntimeNames) {
    ASSERT_TRUE(doc["runtimes"][name]["usable"].is_boolean()) << name;
    ASSERT_TRUE(doc["runtimes"][name]["reasons"].is_array()) << name;
    ASSERT_TRUE(doc["runtimes"][name]["notes"].is_array()) << name;
  }
  EXPECT_EQ(doc["runtimes"]["runc"]["usable"], true);
  EXPECT_EQ(doc["runtimes"]["kata"]["reasons"],
            nlohmann::json::array({"vhost_vsock is not available: no /dev/vhost-vsock and no "
                                   "vhost_vsock module loaded",
                                   "Kata shim containerd-shim-kata-v2 is not installed"}));
  EXPECT_EQ(doc["kata_check"], "System is not capable of running Kata Containers");
  const auto& host = doc["host"];
  EXPECT_EQ(host["os"]["pretty_name"], "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(host["os"]["id"], "debian");
  EXPECT_EQ(host["cpu"]["flags"]["hypervisor"], true);
  EXPECT_EQ(host["cpu"]["flags"]["svm"], false);
  EXPECT_EQ(host["kvm"]["usable"], true);
  EXPECT_EQ(host["kvm"]["module"], "kvm_pvm");
  EXPECT_EQ(host["kvm"]["ioctls"]["api_version"], 12);
  EXPECT_EQ(host["kvm"]["ioctls"]["create_vm"], "ok");
  EXPECT_TRUE(host["kvm"]["nested"].is_null());
  EXPECT_EQ(host["kernel"]["vhost_vsock"]["available"], false);
  EXPECT_EQ(host["cgroups"]["layout"], "hybrid");
  EXPECT_EQ(host["cgroups"]["cgroup2_controllers"], nlohmann::json::array({"hugetlb"}));
  EXPECT_EQ(host["installed"]["containerd_config_schema"], 2);
  EXPECT_EQ(host["installed"]["tools"]["runsc"]["version"], "20221219.0");
  EXPECT_EQ(host["installed"]["tools"]["kata-runtime"]["path"], nullptr);
  EXPECT_EQ(host["gvisor"]["recommended"], "ptrace");
  EXPECT_EQ(host["gvisor"]["platforms"]["systrap"]["works"], false);
  EXPECT_EQ(host["cpu"]["evidence"][0]["source"], "/proc/cpuinfo");
}

TEST(CheckReport, JsonSurvivesInvalidUtf8FromATool) {
  HostFacts facts = testing::probe_fixture(testing::fixture_dir("kvm-no-vsock"));
  facts.tools.tools["runc"].version_output = "runc \xff\xfe";
  std::string json = render_check_json(facts, judge_runtimes(facts));
  EXPECT_TRUE(nlohmann::json::accept(json));
}

}  // namespace
}  // namespace mkata::host
