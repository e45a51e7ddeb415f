// Docker daemon.json and Podman containers.conf: other keys kept, round trips, idempotence.
#include "node/engine_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "node/installer.h"
#include "node/managed_block.h"
#include "node/runtime_plan.h"
#include "node/toml_text.h"
#include "support/test_env.h"

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
  // The key stays: dockerd reloads `runtimes` only when daemon.json has it.
  const std::string without =
      "{\n  \"log-level\": \"warn\",\n  \"live-restore\": true,\n"
      "  \"runtimes\": {}\n}\n";
  EXPECT_EQ(removed->after, without);
  EXPECT_EQ(removed->removed, (std::vector<std::string>{"kata", "gvisor"}));
  EXPECT_EQ(removed->notes.back(),
            "left \"runtimes\": {} in /etc/docker/daemon.json: dockerd "
            "reloads its runtimes only when daemon.json has that key");
  auto reinstalled = plan_docker_install("/etc/docker/daemon.json", removed->after, handlers());
  ASSERT_TRUE(reinstalled);
  EXPECT_EQ(reinstalled->after, installed->after);
  auto twice = plan_docker_uninstall("/etc/docker/daemon.json", reinstalled->after, handlers());
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->after, without);
}

TEST(DockerConfig, AnAbsentFileIsCreatedAndKeepsAnEmptyRuntimesKey) {
  auto installed = plan_docker_install("/d.json", std::nullopt, handlers());
  ASSERT_TRUE(installed);
  auto removed = plan_docker_uninstall("/d.json", installed->after, handlers());
  ASSERT_TRUE(removed);
  // Deleting the file would keep the runtimes loaded too (dockerd reads a missing file as {}).
  EXPECT_FALSE(removed->delete_file);
  EXPECT_EQ(removed->after, "{\n  \"runtimes\": {}\n}\n");
}

TEST(DockerConfig, GvisorOnItsOwnShimIsRunscByPathTheAdapterStays) {
  test::TempDir root("mkata-docker-root");
  auto shim = docker_handler(gvisor_handler(true, ""), root.path());
  ASSERT_FALSE(shim);
  EXPECT_EQ(shim.error().message(),
            "--engine docker: gvisor: runsc was not found in /usr/local/sbin, /usr/local/bin, "
            "/usr/sbin, /usr/bin, /sbin, /bin (Docker runs it as an OCI runtime, by its path)");
  ASSERT_TRUE(make_directories(root / "usr/bin"));
  ASSERT_TRUE(write_file_atomic(root / "usr/bin/runsc", "#!/bin/sh\n", 0755));
  shim = docker_handler(gvisor_handler(true, ""), root.path());
  ASSERT_TRUE(shim) << shim.error().message();
  // Was {"runtimeType": "io.containerd.runsc.v1"}, which Docker 20.10 lists as {"path": ""}.
  EXPECT_EQ(docker_runtime_of(*shim), (engine::DockerRuntime{"/usr/bin/runsc", ""}));
  auto installed = plan_docker_install("/d.json", "{}", {*shim});
  ASSERT_TRUE(installed);
  EXPECT_EQ(installed->after,
            "{\n  \"runtimes\": {\n    \"gvisor\": {\n      \"path\": \"/usr/bin/runsc\"\n"
            "    }\n  }\n}\n");
  auto removed = plan_docker_uninstall("/d.json", installed->after, {*shim});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->removed, (std::vector<std::string>{"gvisor"}));

  RuntimeHandler adapter = gvisor_handler(false, "/usr/local/lib/mkata/mkata-runsc-adapter");
  auto kept = docker_handler(adapter, root.path());
  ASSERT_TRUE(kept);
  EXPECT_EQ(docker_runtime_of(*kept),
            (engine::DockerRuntime{"/usr/local/lib/mkata/mkata-runsc-adapter", ""}));
  EXPECT_EQ(docker_runtime_of(kata_handler()),
            (engine::DockerRuntime{"", "io.containerd.kata.v2"}));
  EXPECT_EQ(docker_runtime_of(crun_handler()), (engine::DockerRuntime{"crun", ""}));
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

// install --kata-config F (or --from a Kata release, which sets it) writes options.ConfigPath;
// uninstall has no --kata-config, so it knows mkata's entry by its shape: the same runtimeType
// with no options or only a ConfigPath. Before, the entry was "changed" and stayed.
TEST(DockerConfig, KatasEntryWithAConfigPathIsRemovedByUninstall) {
  auto installed =
      plan_docker_install("/d.json", "{}", {kata_handler("/opt/kata/configuration.toml")});
  ASSERT_TRUE(installed);
  EXPECT_NE(installed->after.find("\"ConfigPath\": \"/opt/kata/configuration.toml\""),
            std::string::npos)
      << installed->after;
  auto removed = plan_docker_uninstall("/d.json", installed->after, {kata_handler()});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->removed, (std::vector<std::string>{"kata"}));
  EXPECT_EQ(removed->notes[0], "kata: removed from /d.json");
  EXPECT_EQ(removed->after, "{\n  \"runtimes\": {}\n}\n");
  // An entry with other options is the user's.
  std::string edited = installed->after;
  edited.replace(edited.find("\"ConfigPath\""), 12, "\"Other\"");
  auto kept = plan_docker_uninstall("/d.json", edited, {kata_handler()});
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->notes[0], "kata: changed since mkata installed it in /d.json; left as is");
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

// A Docker Engine above the OS seams: /info lists what the last reload read from daemon.json,
// the way 20.10 does (a runtimeType entry as {"path": ""}); a reload is a SIGHUP or a command.
struct FakeDocker {
  explicit FakeDocker(std::string file) : config(std::move(file)) {}
  std::string config;  // the daemon.json the fake dockerd reads
  std::string version = "20.10.24+dfsg1";
  bool reloads = true;      // false: a reload changes nothing (only a restart would)
  std::string owner_error;  // the socket's owner is not dockerd
  std::map<std::string, engine::DockerRuntime> listed = {{"runc", {"runc", ""}}};
  int checks = 0, signals = 0;
  std::vector<std::vector<std::string>> commands;

  void reload() {
    if (!reloads) return;
    listed = {{"runc", {"runc", ""}}};
    auto text = read_file(config);
    auto j = nlohmann::json::parse(text ? *text : "{}", nullptr, false);
    if (j.is_discarded() || !j.contains("runtimes")) return;
    for (const auto& [name, entry] : j["runtimes"].items()) {
      listed[name] = {entry.value("path", ""), ""};
    }
  }
  NodeHooks hooks() {
    NodeHooks h;
    h.restart = [this](const std::vector<std::string>& argv) -> Result<void> {
      commands.push_back(argv);
      reload();
      return {};
    };
    h.docker_info = [this](const std::string&) -> Result<engine::DockerInfo> {
      engine::DockerInfo info;
      info.server_version = version;
      info.runtimes = listed;
      return info;
    };
    h.signal_dockerd = [this](const std::string&, bool send) -> Result<pid_t> {
      if (!owner_error.empty()) return fail(owner_error);
      if (!send) {
        ++checks;
        return 4242;
      }
      ++signals;
      reload();
      return 4242;
    };
    h.docker_wait = std::chrono::milliseconds(200);
    return h;
  }
};

struct DockerHost {
  test::TempDir root{"mkata-docker-host"};
  std::string config = root / "daemon.json";
  std::string socket = root / "docker.sock";
  DockerHost() { EXPECT_TRUE(write_file_atomic(socket, "")); }  // exists, as a socket would
  InstallRequest request(std::vector<std::string> runtimes) const {
    InstallRequest r;
    r.runtimes = std::move(runtimes);
    r.engine = "docker";
    r.config = config;
    r.root = root.path();
    r.adapter_dir = "/adapters";
    r.docker_host = "unix://" + socket;
    return r;
  }
};

TEST(DockerInstall, WithoutSystemdTheSocketsDockerdGetsSighupAndTheRuntimeIsReadBack) {
  DockerHost host;
  FakeDocker docker(host.config);
  auto r = install_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(docker.checks, 1);  // before the file was written
  EXPECT_EQ(docker.signals, 1);
  EXPECT_TRUE(docker.commands.empty());
  EXPECT_EQ(r->facts["restart"],
            (nlohmann::json{{"done", true}, {"signal", "SIGHUP"}, {"pid", 4242}}));
  EXPECT_EQ(r->facts["read_back"], (nlohmann::json{{"done", true},
                                                   {"by", "Docker Engine API /info"},
                                                   {"runtimes", {{"crun", {{"path", "crun"}}}}}}));
  EXPECT_EQ(r->notes.back(), "verified: Docker 20.10.24+dfsg1 at " + host.socket +
                                 " lists crun {\"path\":\"crun\"}");

  auto gone = uninstall_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_TRUE(gone) << gone.error().message();
  EXPECT_EQ(docker.signals, 2);
  EXPECT_FALSE(docker.listed.contains("crun"));
  EXPECT_EQ(gone->facts["read_back"]["gone"], (nlohmann::json{"crun"}));
}

TEST(DockerInstall, UnderSystemdItRunsSystemctlReloadDockerAndACommandReplacesBoth) {
  DockerHost host;
  ASSERT_TRUE(make_directories(host.root / "run/systemd/system"));
  FakeDocker docker(host.config);
  auto r = install_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(docker.commands,
            (std::vector<std::vector<std::string>>{{"systemctl", "reload", "docker"}}));
  EXPECT_EQ(docker.checks + docker.signals, 0);
  EXPECT_EQ(r->facts["restart"]["command"], (nlohmann::json{"systemctl", "reload", "docker"}));

  auto req = host.request({"crun"});
  req.restart_command = {"rc-service", "docker", "reload"};
  auto gone = uninstall_runtimes(req, docker.hooks());
  ASSERT_TRUE(gone) << gone.error().message();
  EXPECT_EQ(docker.commands.back(), (std::vector<std::string>{"rc-service", "docker", "reload"}));
}

TEST(DockerInstall, AReloadThatChangesNothingIsACheckFailure) {
  DockerHost host;
  FakeDocker docker(host.config);
  docker.reloads = false;
  auto r = install_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(r.error().message(),
            "install crun: Docker does not list the runtime 'crun' after "
            "the reload (mkata wrote {\"path\":\"crun\"} to " +
                host.config + ")");

  docker.reloads = true;
  ASSERT_TRUE(install_runtimes(host.request({"crun"}), docker.hooks()));
  docker.reloads = false;
  auto kept = uninstall_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_FALSE(kept);
  EXPECT_EQ(kept.error().kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(kept.error().message(),
            "uninstall crun: Docker still lists the runtime 'crun' after the reload: only a full "
            "restart of dockerd drops it (" +
                host.config + " no longer defines it)");
}

TEST(DockerInstall, RefusalsComeBeforeAnythingIsWritten) {
  DockerHost host;
  const std::string original = "{\"log-level\": \"warn\"}\n";
  ASSERT_TRUE(write_file_atomic(host.config, original));
  FakeDocker docker(host.config);
  docker.owner_error = "the process listening on " + host.socket +
                       " is PID 7 (socat), not dockerd: mkata signals only dockerd";
  auto r = install_runtimes(host.request({"crun"}), docker.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install crun: reload Docker: " + docker.owner_error);
  EXPECT_EQ(r.error().hint(),
            "use --restart-command to reload it another way, or --no-restart to only write the "
            "file");

  docker.owner_error.clear();
  auto kata = install_runtimes(host.request({"crun", "kata"}), docker.hooks());
  ASSERT_FALSE(kata);
  EXPECT_EQ(kata.error().kind(), ErrorKind::kEnvironment);
  EXPECT_TRUE(kata.error().message().starts_with(
      "install crun, kata: --engine docker: kata needs Docker Engine 24.0 or later"))
      << kata.error().message();

  auto req = host.request({"crun"});
  req.engine = "containerd";
  auto wrong = install_runtimes(req, docker.hooks());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(wrong.error().message(), "install crun: --docker-host unix://" + host.socket +
                                         ": only with --engine docker (this is --engine "
                                         "containerd)");
  EXPECT_EQ(*read_file(host.config), original);
  EXPECT_FALSE(path_exists(host.config + ".mkata-backup"));
  EXPECT_EQ(docker.signals, 0);
}

TEST(DockerInstall, AdaptersAreCopiedBeforeTheConfigThatNamesThem) {
  if (!find_adapter_source(kRunscAdapterName)) {
    GTEST_SKIP() << "the runsc adapter is not built (nothing to copy)";
  }
  DockerHost host;
  const std::string original = "{}\n";
  ASSERT_TRUE(write_file_atomic(host.config, original));
  ASSERT_TRUE(write_file_atomic(host.root / "adapters", "a file where the directory goes"));
  FakeDocker docker(host.config);
  auto req = host.request({"gvisor"});  // no runsc shim under this root: the adapter
  req.no_restart = true;
  auto r = install_runtimes(req, docker.hooks());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install gvisor: copy the adapter mkata-runsc-adapter to " +
                                     host.root / "adapters/mkata-runsc-adapter" + ": write " +
                                     host.root / "adapters/mkata-runsc-adapter" +
                                     ": Not a directory");
  EXPECT_EQ(*read_file(host.config), original);  // not naming an adapter that is not there

  ASSERT_TRUE(std::filesystem::remove(host.root / "adapters"));
  auto ok = install_runtimes(req, docker.hooks());
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(path_exists(host.root / "adapters/mkata-runsc-adapter"));
  EXPECT_NE(read_file(host.config)->find("\"path\": \"/adapters/mkata-runsc-adapter\""),
            std::string::npos);
}

}  // namespace
}  // namespace mkata::node
