// `mkata install --engine docker` against a real Docker Engine (Debian's dockerd 20.10, a private
// daemon of the test's own: support/private_engines.h), through the real binary: with systemd
// not PID 1 (as here) mkata reloads dockerd by SIGHUP to the process that owns the socket — the
// same PID before and after, no restart — and reads each runtime back from /info with the path
// it wrote; the runtimes then run a container. Uninstall reads back their removal. Refusals
// leave daemon.json byte for byte: kata on an Engine older than 24.0 (which would list it and
// ignore it) and a Docker that does not answer.
//
// On Docker Engine 28 (Debian unstable's, support/fetched_versions.h; skipped with the reason
// when the cache lacks it) Kata's runtimeType entry is accepted: loaded on SIGHUP, listed by /info
// (as {}: Engine 24.0+ shows neither type nor options), logged by dockerd with its type and
// options, and `docker run --runtime kata` goes to containerd-shim-kata-v2 — which cannot run
// here (no KVM with vhost-vsock), so the shim's absence is the proof of the type.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "engine/docker_api.h"
#include "node/runtime_plan.h"
#include "support/fetched_versions.h"
#include "support/private_engines.h"
#include "support/test_env.h"

namespace mkata {
namespace {

const std::string kMkata = binary_path("/src/cli/mkata");
const std::string kHelloworld = binary_path("/workloads/helloworld");

ProcessResult mkata(const std::vector<std::string>& args) { return test::run_mkata_cli(args); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string must_read(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << text.error().message();
  return text.value_or("");
}

// The paths mkata must write on this host: its adapters where the host needs them (Debian 12's
// runsc has no shim; crun refuses the hybrid cgroup layout), else the runtimes themselves.
std::map<std::string, std::string> expected_paths(const std::string& adapters) {
  auto facts = node::probe_runtime_host("/");
  std::string runsc = node::find_host_program("/", "runsc").value_or("runsc");
  return {{"crun", facts.hybrid_cgroups ? adapters + "/mkata-crun-adapter" : "crun"},
          {"gvisor", facts.runsc_shim ? runsc : adapters + "/mkata-runsc-adapter"}};
}

// A container of each runtime starts and runs (the entries are usable, not only listed).
void expect_runs(const test::PrivateDockerd& dockerd, const std::string& dir,
                 const std::vector<std::string>& runtimes) {
  if (!path_exists(kHelloworld)) {
    std::printf("SKIPPED the run: %s is not built\n", kHelloworld.c_str());
    return;
  }
  ASSERT_TRUE(make_directories(dir + "/rootfs"));
  ASSERT_TRUE(write_file_atomic(dir + "/rootfs/helloworld", must_read(kHelloworld), 0755));
  ASSERT_TRUE(run_checked({"tar", "-C", dir + "/rootfs", "-cf", dir + "/rootfs.tar", "."}));
  ASSERT_TRUE(dockerd.docker({"import", dir + "/rootfs.tar", "mkata-install-test:1"}));
  for (const auto& rt : runtimes) {
    std::string name = "mkata-install-" + rt;
    auto started = dockerd.docker(
        {"run", "-d", "--name", name, "--runtime", rt, "mkata-install-test:1", "/helloworld"});
    EXPECT_TRUE(started) << rt << ": " << (started ? "" : started.error().message());
    auto state = dockerd.docker({"inspect", "--format", "{{.State.Status}}", name});
    EXPECT_TRUE(state && trim(*state) == "running") << rt << ": " << (state ? *state : "");
    (void)dockerd.docker({"rm", "-f", name});
  }
}

TEST(EngineInstall, DockerIsReloadedBySighupAndReadsTheRuntimesBackThenTheirRemoval) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("dockerd");
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  if (path_exists("/run/systemd/system"))
    GTEST_SKIP() << "systemd is PID 1: mkata would reload "
                    "the system's docker.service";
  test::TempDir tmp("mkata-engine-install");
  auto started = test::PrivateDockerd::start(tmp / "docker");
  ASSERT_TRUE(started) << started.error().message();
  test::PrivateDockerd& dockerd = **started;
  const pid_t pid = dockerd.pid();
  const std::string adapters = tmp / "adapters";
  auto expected = expected_paths(adapters);

  auto r = mkata({"install", "--engine", "docker", "--runtime", "crun,gvisor", "--config",
                  dockerd.config_file(), "--docker-host", dockerd.host(), "--adapter-dir", adapters,
                  "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto facts = nlohmann::json::parse(r.out);
  EXPECT_EQ(facts["restart"], (nlohmann::json{{"done", true}, {"signal", "SIGHUP"}, {"pid", pid}}));
  EXPECT_EQ(facts["read_back"]["done"], true);
  EXPECT_EQ(facts["read_back"]["by"], "Docker Engine API /info");
  EXPECT_EQ(facts["docker"]["version"], dockerd.version());
  EXPECT_NE(r.err.find("reloaded Docker: SIGHUP to dockerd (PID " + std::to_string(pid) +
                       ", listening on " + dockerd.socket() + "; systemd is not PID 1)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(dockerd.pid(), pid);
  EXPECT_EQ(::kill(pid, 0), 0) << "dockerd was stopped, not reloaded";

  // Docker itself says so, with the very paths.
  engine::DockerClient client(dockerd.socket());
  auto info = client.info();
  ASSERT_TRUE(info) << info.error().message();
  for (const auto& [name, path] : expected) {
    ASSERT_TRUE(info->runtimes.contains(name)) << name;
    EXPECT_EQ(info->runtimes.at(name), (engine::DockerRuntime{path, ""})) << name;
    if (path.starts_with(adapters)) {
      EXPECT_TRUE(path_exists(path)) << path;
    }
  }
  auto config = nlohmann::json::parse(must_read(dockerd.config_file()));
  EXPECT_EQ(config["deprecated-key-path"], tmp / "docker/key.json");  // the user's key is kept
  expect_runs(dockerd, tmp.path(), {"crun", "gvisor"});

  // Uninstall, this time through --restart-command (argv, no shell).
  r = mkata({"uninstall", "--engine", "docker", "--runtime", "crun,gvisor", "--config",
             dockerd.config_file(), "--docker-host", dockerd.host(), "--adapter-dir", adapters,
             "--restart-command", "kill -HUP " + std::to_string(pid), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  facts = nlohmann::json::parse(r.out);
  EXPECT_EQ(facts["restart"],
            (nlohmann::json{{"done", true}, {"command", {"kill", "-HUP", std::to_string(pid)}}}));
  EXPECT_EQ(facts["read_back"]["gone"], (nlohmann::json{"crun", "gvisor"}));
  info = client.info();
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_FALSE(info->runtimes.contains("crun"));
  EXPECT_FALSE(info->runtimes.contains("gvisor"));
  config = nlohmann::json::parse(must_read(dockerd.config_file()));
  // dockerd reloads `runtimes` only when the key is there: without it the SIGHUP kept both.
  EXPECT_EQ(config["runtimes"], nlohmann::json::object());
  EXPECT_EQ(config["deprecated-key-path"], tmp / "docker/key.json");
  EXPECT_EQ(dockerd.pid(), pid);
}

TEST(EngineInstall, KataOnAnEngineOlderThan24IsRefusedAndDaemonJsonIsUntouched) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("dockerd");
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir tmp("mkata-engine-install");
  auto started = test::PrivateDockerd::start(tmp / "docker");
  ASSERT_TRUE(started) << started.error().message();
  test::PrivateDockerd& dockerd = **started;
  auto version = engine::engine_version(dockerd.version());
  ASSERT_TRUE(version) << dockerd.version();
  if (*version >= std::pair{24, 0}) {
    GTEST_SKIP() << "Docker " << dockerd.version() << " accepts runtimeType entries";
  }
  const std::string original = must_read(dockerd.config_file());
  auto r = mkata({"install", "--engine", "docker", "--runtime", "crun,kata", "--config",
                  dockerd.config_file(), "--docker-host", dockerd.host(), "--adapter-dir",
                  tmp / "adapters"});
  EXPECT_EQ(r.exit_code, 2);
  // The whole of stderr: one line, nothing written before it.
  EXPECT_EQ(r.err,
            "mkata: error: install crun, kata: --engine docker: kata needs Docker Engine 24.0 or "
            "later for a runtimeType entry in daemon.json; this Docker is " +
                dockerd.version() +
                ", which would list it and ignore it (Engine 23.0 runs the shim without "
                "configuration: docker run --runtime io.containerd.kata.v2)\n");
  EXPECT_EQ(must_read(dockerd.config_file()), original);
  EXPECT_FALSE(path_exists(dockerd.config_file() + ".mkata-backup"));
  EXPECT_FALSE(path_exists(tmp / "adapters"));  // nothing placed either
  auto info = engine::DockerClient(dockerd.socket()).info();
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->runtimes.contains("kata"));
}

// The Docker 28 proof: install crun, gvisor and kata (with --kata-config, so the entry has
// options), SIGHUP, read-back; kata's entry as dockerd loaded it; uninstall reads back their
// removal; no firewall rule or chain appears on the host.
TEST(EngineInstall, Docker28AcceptsKatasRuntimeTypeEntryAndReadsItBack) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_FETCHED(docker, "docker.io", "sid");
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  if (path_exists("/run/systemd/system"))
    GTEST_SKIP() << "systemd is PID 1: mkata would reload the system's docker.service";
  test::TempDir tmp("mkata-engine-install-28");
  const std::string firewall = test::firewall_rules();
  auto started =
      test::PrivateDockerd::start(tmp / "docker", "", {docker.file("/usr/sbin/dockerd"), "info"});
  ASSERT_TRUE(started) << started.error().message();
  test::PrivateDockerd& dockerd = **started;
  ASSERT_EQ(engine::engine_version(dockerd.version()), (std::pair{28, 5})) << dockerd.version();
  const pid_t pid = dockerd.pid();
  const std::string adapters = tmp / "adapters";
  const std::string kata_config = tmp / "kata-configuration.toml";
  ASSERT_TRUE(write_file_atomic(kata_config, "# a Kata configuration.toml stand-in\n"));
  auto expected = expected_paths(adapters);

  auto t0 = std::chrono::steady_clock::now();
  auto r = mkata({"install", "--engine", "docker", "--runtime", "crun,gvisor,kata", "--config",
                  dockerd.config_file(), "--docker-host", dockerd.host(), "--adapter-dir", adapters,
                  "--kata-config", kata_config, "--json"});
  auto install_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::printf(
      "[ timing ] install --engine docker crun,gvisor,kata on %s (SIGHUP + read-back): "
      "%lld ms\n",
      dockerd.version().c_str(), static_cast<long long>(install_ms));
  auto facts = nlohmann::json::parse(r.out);
  EXPECT_EQ(facts["restart"], (nlohmann::json{{"done", true}, {"signal", "SIGHUP"}, {"pid", pid}}));
  EXPECT_EQ(facts["read_back"]["done"], true);
  EXPECT_EQ(facts["read_back"]["type_not_shown"], (nlohmann::json{"kata"}));
  EXPECT_EQ(facts["read_back"]["runtimes"]["kata"],
            (nlohmann::json{{"runtimeType", "io.containerd.kata.v2"}}));
  EXPECT_NE(r.err.find("note: Docker's /info lists kata by name without a path, as Engine 24.0+ "
                       "lists every runtimeType entry; it does not show the type or options "
                       "themselves"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(dockerd.pid(), pid);

  // daemon.json has mkata's entry, with options.
  auto config = nlohmann::json::parse(must_read(dockerd.config_file()));
  const nlohmann::json kata_entry = {{"runtimeType", "io.containerd.kata.v2"},
                                     {"options", {{"ConfigPath", kata_config}}}};
  EXPECT_EQ(config["runtimes"]["kata"], kata_entry);
  // /info: crun and gvisor with their paths; kata listed, as {} (neither type nor options).
  engine::DockerClient client(dockerd.socket());
  auto info = client.info();
  ASSERT_TRUE(info) << info.error().message();
  for (const auto& [name, path] : expected) {
    EXPECT_EQ(info->runtimes.at(name), (engine::DockerRuntime{path, ""})) << name;
  }
  ASSERT_TRUE(info->runtimes.contains("kata"));
  EXPECT_EQ(info->runtimes.at("kata"), (engine::DockerRuntime{"", ""}));
  // dockerd itself logs the configuration it reloaded: kata with its type and options.
  // (`config="{…}"` in its info-level log: the JSON with its quotes escaped.)
  const std::string logged = R"(\"kata\":{\"runtimeType\":\"io.containerd.kata.v2\",)"
                             R"(\"options\":{\"ConfigPath\":\")" +
                             kata_config + R"(\"}})";
  EXPECT_NE(must_read(dockerd.log_file()).find(logged), std::string::npos)
      << "the reload log does not show " << logged;

  // `--runtime kata` resolves to the shim io.containerd.kata.v2: containerd looks for
  // containerd-shim-kata-v2, which is not installed here.
  if (find_executable("containerd-shim-kata-v2")) {
    std::printf("SKIPPED the kata run: containerd-shim-kata-v2 is installed\n");
  } else {
    expect_runs(dockerd, tmp.path(), {"gvisor"});
    auto kata = dockerd.docker({"run", "-d", "--name", "mkata-install-kata", "--runtime", "kata",
                                "mkata-install-test:1", "/helloworld"});
    ASSERT_FALSE(kata);
    EXPECT_NE(kata.error().message().find("runtime \"io.containerd.kata.v2\" binary not installed "
                                          "\"containerd-shim-kata-v2\""),
              std::string::npos)
        << kata.error().message();
    (void)dockerd.docker({"rm", "-f", "mkata-install-kata"});
  }

  // (uninstall has no --kata-config: it knows mkata's kata entry with its ConfigPath by shape.)
  r = mkata({"uninstall", "--engine", "docker", "--runtime", "crun,gvisor,kata", "--config",
             dockerd.config_file(), "--docker-host", dockerd.host(), "--adapter-dir", adapters,
             "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  facts = nlohmann::json::parse(r.out);
  EXPECT_EQ(facts["read_back"]["gone"], (nlohmann::json{"crun", "gvisor", "kata"}));
  info = client.info();
  ASSERT_TRUE(info) << info.error().message();
  for (const char* name : {"crun", "gvisor", "kata"}) EXPECT_FALSE(info->runtimes.contains(name));
  config = nlohmann::json::parse(must_read(dockerd.config_file()));
  // 28 keeps its runtimes on SIGHUP when the key is gone, as 20.10 does: `"runtimes": {}` stays.
  EXPECT_EQ(config["runtimes"], nlohmann::json::object());
  EXPECT_EQ(dockerd.pid(), pid);
  (void)dockerd.docker({"rmi", "mkata-install-test:1"});
  dockerd.stop();
  EXPECT_EQ(test::firewall_rules(), firewall);
}

// Without the `runtimes` key, a SIGHUP keeps the runtimes loaded — on 28 as on 20.10 — which is
// why uninstall leaves `"runtimes": {}`.
TEST(EngineInstall, Docker28KeepsItsRuntimesOnSighupWhenTheKeyIsGone) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_FETCHED(docker, "docker.io", "sid");
  test::TempDir tmp("mkata-engine-install-28");
  auto started = test::PrivateDockerd::start(tmp / "docker", R"({"crun": {"path": "crun"}})",
                                             {docker.file("/usr/sbin/dockerd")});
  ASSERT_TRUE(started) << started.error().message();
  test::PrivateDockerd& dockerd = **started;
  engine::DockerClient client(dockerd.socket());
  ASSERT_TRUE(dockerd.reload(""));  // daemon.json without "runtimes"
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto info = client.info();
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->runtimes.contains("crun")) << "28 dropped the runtimes without the key";
  ASSERT_TRUE(dockerd.reload("{}"));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto i2 = client.info();
    gone = i2 && !i2->runtimes.contains("crun");
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone) << "\"runtimes\": {} did not unload crun";
}

TEST(EngineInstall, ADockerThatDoesNotAnswerLeavesTheFileUntouched) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir tmp("mkata-engine-install");
  const std::string file = tmp / "daemon.json";
  const std::string original = "{\"log-level\": \"warn\"}\n";
  ASSERT_TRUE(write_file_atomic(file, original));
  const std::string socket = tmp / "none.sock";
  auto r = mkata({"install", "--engine", "docker", "--runtime", "crun", "--config", file,
                  "--docker-host", "unix://" + socket, "--adapter-dir", tmp / "adapters"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: install crun: cannot reach Docker at " + socket +
                                   ": no such socket; start it, or use --no-restart to only "
                                   "write the file");
  EXPECT_EQ(must_read(file), original);
  EXPECT_FALSE(path_exists(file + ".mkata-backup"));

  r = mkata({"install", "--engine", "containerd", "--runtime", "crun", "--config", file,
             "--docker-host", "unix://" + socket});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: install: --docker-host unix://" + socket +
                                   ": only with --engine docker (this is --engine containerd)");
  r = mkata({"install", "--engine", "docker", "--runtime", "crun", "--config", file,
             "--docker-host", "tcp://127.0.0.1:2375"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: install crun: docker host 'tcp://127.0.0.1:2375' is not supported "
            "(accepted: unix:///PATH/TO/SOCKET)");
  EXPECT_EQ(must_read(file), original);

  // --no-restart writes the file without asking Docker, and says what was not checked.
  r = mkata({"install", "--engine", "docker", "--runtime", "kata", "--config", file,
             "--docker-host", "unix://" + socket, "--no-restart"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("note: Docker was not asked which version it is: a runtimeType entry "
                       "(kata) needs Docker Engine 24.0 or later; older Engines list it and "
                       "ignore it"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mkata
