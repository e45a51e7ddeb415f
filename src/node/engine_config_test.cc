// Docker daemon.json and Podman containers.conf: other keys kept, round trips, idempotence.
#include "node/engine_config.h"

#include <gtest/gtest.h>

#include "node/managed_block.h"
#include "node/toml_text.h"

namespace mkata::node {
namespace {

std::vector<RuntimeHandler> handlers() {
  return {kata_handler(), gvisor_handler(false, "/usr/local/lib/mkata/mkata-runsc-adapter")};
}

TEST(DockerConfig, AddsRuntimesKeepsOtherKeysAndRoundTrips) {
  const std::string original = "{\n  \"log-level\": \"warn\",\n  \"live-restore\": true\n}\n";
  auto installed = plan_docker_install("/etc/docker/daemon.json", original, handlers());
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(installed->after,
            "{\n  \"log-level\": \"warn\",\n  \"live-restore\": true,\n  \"runtimes\": {\n"
            "    \"kata\": {\n      \"runtimeType\": \"io.containerd.kata.v2\"\n    },\n"
            "    \"gvisor\": {\n      \"path\": \"/usr/local/lib/mkata/mkata-runsc-adapter\"\n"
            "    }\n  }\n}\n");
  auto again = plan_docker_install("/etc/docker/daemon.json", installed->after, handlers());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed());
  auto removed = plan_docker_uninstall("/etc/docker/daemon.json", installed->after, handlers());
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->after, original);
  EXPECT_EQ(removed->removed, (std::vector<std::string>{"kata", "gvisor"}));
}

TEST(DockerConfig, AbsentFileIsCreatedThenDeleted) {
  auto installed = plan_docker_install("/d.json", std::nullopt, handlers());
  ASSERT_TRUE(installed);
  auto removed = plan_docker_uninstall("/d.json", installed->after, handlers());
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->delete_file);
}

TEST(DockerConfig, UserChangedEntryIsLeftAlone) {
  auto installed = plan_docker_install("/d.json", "{}", {kata_handler()});
  ASSERT_TRUE(installed);
  std::string edited = installed->after;
  edited.replace(edited.find("io.containerd.kata.v2"), 21, "io.containerd.kata-qemu.v2");
  auto removed = plan_docker_uninstall("/d.json", edited, {kata_handler()});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->notes[0], "kata: changed since mkata installed it in /d.json; left as is");
  EXPECT_FALSE(removed->changed());
}

TEST(DockerConfig, BadInput) {
  auto bad = plan_docker_install("/d.json", "{\"a\": ", handlers());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message().starts_with("/d.json is not valid JSON: [json.exception."))
      << bad.error().message();
  auto runc = plan_docker_install("/d.json", "{}", {runc_handler()});
  ASSERT_FALSE(runc);
  EXPECT_EQ(runc.error().message(), "--engine docker: runc is Docker's built-in runtime "
                                    "(accepted with docker: crun, gvisor, kata)");
}

TEST(PodmanConfig, InsertsIntoTheUsersRuntimesTableAndRoundTrips) {
  const std::string original =
      "[containers]\nlog_driver = \"k8s-file\"\n\n[engine.runtimes]\nmyrt = [\"/usr/bin/myrt\"]\n"
      "\n[network]\nnetwork_backend = \"netavark\"\n";
  auto installed = plan_podman_install("/c.conf", original, handlers());
  ASSERT_TRUE(installed) << installed.error().message();
  auto table = parse_toml_text(installed->after, "x");
  ASSERT_TRUE(table);
  EXPECT_TRUE((*table)["engine"]["runtimes"]["kata"].is_array());
  EXPECT_EQ((*table)["engine"]["runtimes"]["gvisor"][0].value<std::string>(),
            "/usr/local/lib/mkata/mkata-runsc-adapter");
  EXPECT_TRUE((*table)["engine"]["runtimes"]["myrt"].is_array());
  auto again = plan_podman_install("/c.conf", installed->after, handlers());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed());
  auto removed = plan_podman_uninstall("/c.conf", installed->after, {"kata", "gvisor"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->after, original);
}

TEST(PodmanConfig, WithoutARuntimesTableMkataAddsItsOwnAndRemovesIt) {
  const std::string original = "[engine]\ncgroup_manager = \"cgroupfs\"";  // no final newline
  auto kata = plan_podman_install("/c.conf", original, {kata_handler()});
  ASSERT_TRUE(kata) << kata.error().message();
  auto both = plan_podman_install("/c.conf", kata->after, handlers());
  ASSERT_TRUE(both) << both.error().message();
  EXPECT_EQ(block_labels(both->after),
            (std::vector<std::string>{"engine runtimes table", "runtime gvisor", "runtime kata"}));
  auto no_kata = plan_podman_uninstall("/c.conf", both->after, {"kata"});
  ASSERT_TRUE(no_kata);
  auto table = parse_toml_text(no_kata->after, "x");
  ASSERT_TRUE(table) << table.error().message();
  EXPECT_TRUE((*table)["engine"]["runtimes"]["gvisor"].is_array());
  auto none = plan_podman_uninstall("/c.conf", no_kata->after, {"gvisor"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->after, original);
}

TEST(PodmanConfig, RuntimesTheUserAddedUnderMkatasTableKeepTheirTable) {
  const std::string original = "[engine]\ncgroup_manager = \"cgroupfs\"\n";
  auto installed = plan_podman_install("/c.conf", original, {kata_handler()});
  ASSERT_TRUE(installed) << installed.error().message();
  std::string edited = installed->after + "myrt = [\"/usr/bin/myrt\"]\n";
  auto removed = plan_podman_uninstall("/c.conf", edited, {"kata"});
  ASSERT_TRUE(removed) << removed.error().message();
  auto table = parse_toml_text(removed->after, "x");
  ASSERT_TRUE(table) << table.error().message();
  EXPECT_TRUE((*table)["engine"]["runtimes"]["myrt"].is_array()) << removed->after;
  EXPECT_EQ(removed->after, original + "[engine.runtimes]\nmyrt = [\"/usr/bin/myrt\"]\n");
}

}  // namespace
}  // namespace mkata::node
