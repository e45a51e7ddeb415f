// The reload choice per init and the read-back's verdicts, with the exact texts users see.
#include "node/engine_reload.h"

#include <gtest/gtest.h>

#include "core/build_paths.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::node {
namespace {

using engine::DockerInfo;
using engine::DockerRuntime;

TEST(EngineReload, RestartCommandIsSplitOnSpacesWithoutAShell) {
  auto argv = parse_restart_command("  rc-service  docker reload ");
  ASSERT_TRUE(argv) << argv.error().message();
  EXPECT_EQ(*argv, (std::vector<std::string>{"rc-service", "docker", "reload"}));
  auto quoted = parse_restart_command("sh -c 'kill -HUP 1'");  // no shell: quotes stay words
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->size(), 5u);
  auto empty = parse_restart_command(" ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(empty.error().message(),
            "--restart-command ' ': give a command and its arguments, e.g. --restart-command "
            "'rc-service docker reload'");
}

TEST(EngineReload, TheUsersCommandThenSystemdThenSighup) {
  auto user = choose_docker_reload({"s6-svc", "-h", "/run/service/docker"}, true);
  EXPECT_EQ(user.argv, (std::vector<std::string>{"s6-svc", "-h", "/run/service/docker"}));
  EXPECT_EQ(user.why, "--restart-command");
  auto systemd = choose_docker_reload({}, true);
  EXPECT_EQ(systemd.argv, (std::vector<std::string>{"systemctl", "reload", "docker"}));
  EXPECT_EQ(systemd.why, "systemd is PID 1");
  auto sighup = choose_docker_reload({}, false);
  EXPECT_TRUE(sighup.argv.empty());
  EXPECT_EQ(sighup.why, "systemd is not PID 1");
}

TEST(EngineReload, SystemdIsInitWhenRunSystemdSystemExists) {
  test::TempDir root("mkata-reload");
  EXPECT_FALSE(systemd_is_init(root.path()));
  ASSERT_TRUE(make_directories(root / "run/systemd/system"));
  EXPECT_TRUE(systemd_is_init(root.path()));
}

DockerInfo info(std::string version, std::map<std::string, DockerRuntime> runtimes) {
  DockerInfo i;
  i.server_version = std::move(version);
  i.runtimes = std::move(runtimes);
  i.runtimes["runc"] = {"runc", ""};
  return i;
}

const WrittenRuntime kKata{"kata", {"", "io.containerd.kata.v2"}};
const WrittenRuntime kCrun{"crun", {"/a/mkata-crun-adapter", ""}};

TEST(EngineReload, KataIsRefusedBeforeEngine24) {
  auto old = check_docker_accepts(info("20.10.24+dfsg1", {}), {kCrun, kKata});
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().kind(), ErrorKind::kEnvironment);
  EXPECT_EQ(old.error().message(),
            "--engine docker: kata needs Docker Engine 24.0 or later for a runtimeType entry in "
            "daemon.json; this Docker is 20.10.24+dfsg1, which would list it and ignore it "
            "(Engine 23.0 runs the shim without configuration: docker run --runtime "
            "io.containerd.kata.v2)");
  EXPECT_FALSE(check_docker_accepts(info("23.0.6", {}), {kKata}));
  EXPECT_TRUE(check_docker_accepts(info("24.0.0", {}), {kKata}));
  EXPECT_TRUE(check_docker_accepts(info("28.5.2", {}), {kKata}));
  EXPECT_TRUE(check_docker_accepts(info("20.10.24", {}), {kCrun}));
}

TEST(EngineReload, TheReadBackComparesPathsAndTypesNotNames) {
  EXPECT_FALSE(docker_listing_error(info("28.5.2", {{"crun", {"/a/mkata-crun-adapter", ""}},
                                                    {"kata", {"", "io.containerd.kata.v2"}}}),
                                    {kCrun, kKata}, "/d.json"));

  auto dropped = docker_listing_error(info("20.10.24", {{"kata", {"", ""}}}), {kKata}, "/d.json");
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(dropped->message(),
            "Docker lists the runtime 'kata' as {\"path\":\"\"} after the reload, not "
            "{\"runtimeType\":\"io.containerd.kata.v2\"}: this Engine ignores runtimeType");

  auto other =
      docker_listing_error(info("20.10.24", {{"crun", {"/usr/bin/crun", ""}}}), {kCrun}, "/d.json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->message(),
            "Docker lists the runtime 'crun' as {\"path\":\"/usr/bin/crun\"} after the reload, "
            "not {\"path\":\"/a/mkata-crun-adapter\"}");

  auto missing = docker_listing_error(info("20.10.24", {}), {kCrun}, "/d.json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(missing->message(),
            "Docker does not list the runtime 'crun' after the reload (mkata wrote "
            "{\"path\":\"/a/mkata-crun-adapter\"} to /d.json)");
  EXPECT_EQ(missing->hint(),
            "dockerd reads the file given by its --config-file (default /etc/docker/daemon.json): "
            "pass that file with --config");
}

// Docker 24.0+ lists a runtimeType entry as {} (captured from 28.5.2: type and options are not
// shown), so that listing is the read-back of kata there; on 20.10 the same {"path":""}-less
// listing is the entry ignored.
TEST(EngineReload, OnEngine24AndLaterAShimEntryIsReadBackByNameWithoutAPath) {
  auto text = read_file(source_path("/src/engine/testdata/docker-28.5-info.json"));
  ASSERT_TRUE(text);
  auto real = engine::parse_docker_info(*text);
  ASSERT_TRUE(real);
  EXPECT_FALSE(docker_listing_error(*real, {kKata}, "/d.json"));
  EXPECT_EQ(docker_types_not_shown(*real, {kKata, kCrun}), (std::vector<std::string>{"kata"}));
  // Listed with a type (no Engine does today): compared, and not "unshown".
  auto typed = info("28.5.2", {{"kata", {"", "io.containerd.kata.v2"}}});
  EXPECT_FALSE(docker_listing_error(typed, {kKata}, "/d.json"));
  EXPECT_EQ(docker_types_not_shown(typed, {kKata}), std::vector<std::string>{});
  // A path where mkata wrote a type is not it.
  auto path =
      docker_listing_error(info("28.5.2", {{"kata", {"/usr/bin/kata", ""}}}), {kKata}, "/d.json");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->message(),
            "Docker lists the runtime 'kata' as {\"path\":\"/usr/bin/kata\"} after the reload, "
            "not {\"runtimeType\":\"io.containerd.kata.v2\"}");
  // 23.0 has no named shims: the same listing is an entry it ignores.
  EXPECT_TRUE(docker_listing_error(info("23.0.6", {{"kata", {"", ""}}}), {kKata}, "/d.json"));
  EXPECT_EQ(docker_types_not_shown(info("23.0.6", {{"kata", {"", ""}}}), {kKata}),
            std::vector<std::string>{});
}

TEST(EngineReload, UninstallSaysPlainlyWhenOnlyARestartDropsTheRuntime) {
  EXPECT_FALSE(docker_removal_error(info("20.10.24", {}), {"crun"}, "/d.json"));
  auto kept = docker_removal_error(info("20.10.24", {{"crun", {"crun", ""}}}), {"crun"}, "/d.json");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->kind(), ErrorKind::kCheckFailed);
  EXPECT_EQ(kept->message(),
            "Docker still lists the runtime 'crun' after the reload: only a full restart of "
            "dockerd drops it (/d.json no longer defines it)");
}

TEST(EngineReload, RuntimeTextIsDaemonJsonsSpelling) {
  EXPECT_EQ(docker_runtime_text({"", ""}), "{\"path\":\"\"}");
  EXPECT_EQ(docker_runtime_text({"/usr/bin/runsc", ""}), "{\"path\":\"/usr/bin/runsc\"}");
  EXPECT_EQ(docker_runtime_text({"", "io.containerd.kata.v2"}),
            "{\"runtimeType\":\"io.containerd.kata.v2\"}");
}

}  // namespace
}  // namespace mkata::node
