// The sample images really import into a real containerd (the Debian package, private state dir)
// in namespace k8s.io: each is listed with the digest we built, unpacked into overlayfs, and its
// config — read back from containerd's content store — has the right entrypoint and non-root user.
// The same test proves reproducibility: two builds give identical bytes and identical digests in
// containerd. Also drives the `mkata images` CLI end to end (output, exit codes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <sstream>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "embedded/containerd_daemon.h"
#include "image/image_import.h"
#include "image/image_set.h"
#include "image/oci_json.h"
#include "image/tar_reader.h"
#include "image/tar_writer.h"
#include "image/workload_binaries.h"
#include "support/test_env.h"

namespace mkata {

namespace {

const std::string kMkata = binary_path("/src/cli/mkata");

// The real workload binaries when the build has them; otherwise a tiny static C program compiled
// here under the three names (the image mechanics do not depend on what the binary does).
bool real_workloads_built(const std::string& dir) {
  if (!image::find_workload_dir(std::vector<std::string>{dir})) return false;
  for (const auto& name : image::kWorkloadNames) {
    auto bytes = read_file(dir + "/" + name);
    if (!bytes || !image::check_static_executable(name, *bytes)) return false;  // sanitizer build
  }
  return true;
}

Result<std::string> workload_dir(const test::TempDir& tmp, bool* real) {
  std::string built = binary_path("/workloads");
  *real = real_workloads_built(built);
  if (*real) return built;
  std::filesystem::create_directories(tmp / "bin");
  // Behaves like pause: waits, exits 0 on SIGTERM (handled, since PID 1 ignores the default).
  auto src = write_file_atomic(tmp / "stub.c",
                               "#include <signal.h>\n#include <unistd.h>\n"
                               "static void done(int s) { (void)s; _exit(0); }\n"
                               "int main(void) { signal(SIGTERM, done); for (;;) pause(); }\n");
  if (!src) return fail(src.error());
  auto cc = run_checked({"cc", "-static", "-O2", "-o", tmp / "bin/helloworld", tmp / "stub.c"});
  if (!cc) return fail(cc.error());
  for (const char* name : {"autoscale", "pause"}) {
    std::filesystem::copy_file(tmp / "bin/helloworld", tmp / "bin/" + name);
  }
  return tmp / "bin";
}

Result<ContainerdDaemon> start_containerd(const std::string& state_dir) {
  ContainerdOptions options;
  options.state_dir = state_dir;
  // Import and unpack need only the content store, metadata and the overlayfs snapshotter.
  options.config_toml = "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n" +
                        private_containerd_config(ContainerdPaths::under(state_dir));
  return ContainerdDaemon::start(options);
}

std::vector<std::string> ctr(const ContainerdDaemon& d, std::vector<std::string> args) {
  std::vector<std::string> argv = {"ctr", "--address", d.address(), "--namespace", "k8s.io"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// A container started with `ctr run` from an imported image, removed (task and container) when
// the guard goes away — before containerd stops, since tasks outlive it.
class RunningContainer {
 public:
  RunningContainer(const ContainerdDaemon& d, std::string id) : daemon_(d), id_(std::move(id)) {}
  ~RunningContainer() {
    (void)run(ctr(daemon_, {"task", "kill", "--signal", "SIGKILL", id_}));
    (void)run(ctr(daemon_, {"task", "delete", "--force", id_}));
    (void)run(ctr(daemon_, {"container", "delete", id_}));
  }
  const std::string& id() const { return id_; }

 private:
  const ContainerdDaemon& daemon_;
  std::string id_;
};

// A task's PID and status from `ctr task ls` ("TASK PID STATUS"); status "" if not listed.
std::pair<pid_t, std::string> task_state(const ContainerdDaemon& d, const std::string& id) {
  auto listing = run_checked(ctr(d, {"task", "ls"}));
  if (!listing) return {0, ""};
  std::istringstream lines(*listing);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string task, status;
    long pid = 0;
    if (fields >> task >> pid >> status && task == id) return {static_cast<pid_t>(pid), status};
  }
  return {0, ""};
}

std::optional<pid_t> task_pid(const ContainerdDaemon& d, const std::string& id) {
  auto [pid, status] = task_state(d, id);
  if (status != "RUNNING") return std::nullopt;
  return pid;
}

std::string task_status(const ContainerdDaemon& d, const std::string& id) {
  return task_state(d, id).second;
}

std::string status_line(pid_t pid, const std::string& key) {
  auto status = read_file("/proc/" + std::to_string(pid) + "/status");
  if (!status) return "";
  size_t at = status->find("\n" + key + ":");
  if (at == std::string::npos) return "";
  size_t end = status->find('\n', at + 1);
  return status->substr(at + 1, end - at - 1);
}

}  // namespace

TEST(Images, ImportIntoRealContainerdWithEntrypointUserAndSameDigestsTwice) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  MKATA_REQUIRE_PROGRAM("ctr");
  test::TempDir tmp("mkata-images");
  bool real = false;
  auto bins = workload_dir(tmp, &real);
  ASSERT_TRUE(bins) << bins.error().message();
  if (!real) std::printf("note: real workloads not built; using a static stub binary\n");

  auto first = image::build_image_set({.workload_dir = *bins, .out_dir = tmp / "first"});
  ASSERT_TRUE(first) << first.error().message();
  auto second = image::build_image_set({.workload_dir = *bins, .out_dir = tmp / "second"});
  ASSERT_TRUE(second) << second.error().message();
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ(*read_file((*first)[i].archive_path), *read_file((*second)[i].archive_path))
        << (*first)[i].name << " is not reproducible";
    if (real) {
      EXPECT_LT((*first)[i].compressed_size, 2u * 1024 * 1024) << (*first)[i].name;
    }
    std::printf("%s: %s, %llu bytes compressed, archive %llu bytes\n",
                (*first)[i].reference.c_str(), (*first)[i].manifest_digest.c_str(),
                static_cast<unsigned long long>((*first)[i].compressed_size),
                static_cast<unsigned long long>((*first)[i].archive_size));
  }

  auto daemon = start_containerd(tmp / "state");
  ASSERT_TRUE(daemon) << daemon.error().message();
  image::ImportOptions options;
  options.address = daemon->address();
  auto imported = image::import_images(options, *first);
  ASSERT_TRUE(imported) << imported.error().message();
  ASSERT_EQ(imported->size(), 3u);

  for (size_t i = 0; i < 3; ++i) {
    const auto& built = (*first)[i];
    const auto& got = (*imported)[i];
    EXPECT_EQ(got.reference, image::image_reference(built.name));
    EXPECT_EQ(got.digest, built.manifest_digest);
    // Read the config back from containerd's content store, via the manifest it stored.
    auto manifest_json = run_checked(ctr(*daemon, {"content", "get", got.digest}));
    ASSERT_TRUE(manifest_json) << manifest_json.error().message();
    auto manifest = image::parse_manifest(*manifest_json);
    ASSERT_TRUE(manifest) << manifest.error().message();
    auto config_json = run_checked(ctr(*daemon, {"content", "get", manifest->config.digest}));
    ASSERT_TRUE(config_json) << config_json.error().message();
    auto config = image::parse_image_config(*config_json);
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->entrypoint, std::vector<std::string>{"/" + built.name});
    EXPECT_EQ(config->user, "65532:65532");
    EXPECT_EQ(config->os, "linux");
    EXPECT_EQ(config->architecture, "amd64");
    if (built.name != "pause") {
      EXPECT_EQ(config->exposed_ports, std::vector<std::string>{"8080/tcp"});
    }
    // Unpacked for CRI: a single-layer image's chain id is its diff_id, the snapshot's name.
    ASSERT_EQ(config->diff_ids.size(), 1u);
    auto snapshots = run_checked(ctr(*daemon, {"snapshots", "--snapshotter", "overlayfs", "ls"}));
    ASSERT_TRUE(snapshots) << snapshots.error().message();
    EXPECT_NE(snapshots->find(config->diff_ids[0]), std::string::npos)
        << built.name << " not unpacked:\n"
        << *snapshots;
  }

  // Reproducible in containerd's eyes too: importing the second build changes nothing.
  auto again = image::import_images(options, *second);
  ASSERT_TRUE(again) << again.error().message();
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*again)[i].digest, (*imported)[i].digest);
  daemon->stop();
}

TEST(Images, PauseImageRunsAsNonRootAndStopsOnSigterm) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  MKATA_REQUIRE_PROGRAM("ctr");
  MKATA_REQUIRE_PROGRAM("runc");
  test::TempDir tmp("mkata-images");
  bool real = false;
  auto bins = workload_dir(tmp, &real);
  ASSERT_TRUE(bins) << bins.error().message();
  auto built = image::build_image_set({.workload_dir = *bins, .out_dir = tmp / "out"});
  ASSERT_TRUE(built) << built.error().message();
  auto daemon = start_containerd(tmp / "state");
  ASSERT_TRUE(daemon) << daemon.error().message();
  image::ImportOptions options;
  options.address = daemon->address();
  ASSERT_TRUE(image::import_images(options, *built));
  {
    // `ctr run` applies the image config (entrypoint, user, env) like CRI does.
    RunningContainer container(*daemon, "mkata-images-test-" + std::to_string(getpid()));
    // A top-level cgroup of its own, which runc removes with the container (the default,
    // /k8s.io/<id>, would leave the /k8s.io parent behind on the host).
    auto started = run_checked(ctr(*daemon, {"run", "--detach", "--cgroup", "/" + container.id(),
                                             image::pause_image_reference(), container.id()}));
    ASSERT_TRUE(started) << started.error().message();
    std::optional<pid_t> pid;
    for (int i = 0; i < 100 && !pid; ++i) {
      pid = task_pid(*daemon, container.id());
      if (!pid) usleep(50 * 1000);
    }
    ASSERT_TRUE(pid) << "task " << container.id() << " never ran";
    EXPECT_EQ(status_line(*pid, "Uid"), "Uid:\t65532\t65532\t65532\t65532");
    EXPECT_EQ(status_line(*pid, "Gid"), "Gid:\t65532\t65532\t65532\t65532");
    auto killed =
        run_checked(ctr(*daemon, {"task", "kill", "--signal", "SIGTERM", container.id()}));
    ASSERT_TRUE(killed) << killed.error().message();
    // Wait for STOPPED; then `ctr task delete` exits with the task's own exit status.
    std::string status;
    for (int i = 0; i < 100 && status != "STOPPED"; ++i) {
      status = task_status(*daemon, container.id());
      if (status != "STOPPED") usleep(50 * 1000);
    }
    ASSERT_EQ(status, "STOPPED");
    auto deleted = run(ctr(*daemon, {"task", "delete", container.id()}));
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->exit_code, 0) << "pause did not exit 0 on SIGTERM: " << deleted->err;
  }
  daemon->stop();
}

// LAB-NOTES.md: without io.containerd.image.name, ctr's import "succeeds" and creates nothing.
// import_images must notice instead of reporting success.
TEST(Images, ImportThatCreatesNothingIsAnError) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  MKATA_REQUIRE_PROGRAM("ctr");
  test::TempDir tmp("mkata-images");
  bool real = false;
  auto bins = workload_dir(tmp, &real);
  ASSERT_TRUE(bins) << bins.error().message();
  auto built = image::build_image_set({.workload_dir = *bins, .out_dir = tmp / "out"});
  ASSERT_TRUE(built) << built.error().message();
  image::BuiltImage pause = (*built)[2];
  ASSERT_EQ(pause.name, "pause");
  // Rewrite the archive with index.json's annotations removed.
  auto entries = image::read_tar(*read_file(pause.archive_path));
  ASSERT_TRUE(entries);
  image::TarWriter tar;
  for (const auto& e : *entries) {
    if (!e.regular) continue;
    std::string content = e.content;
    if (e.path == "index.json") {
      auto index = image::parse_index(content);
      ASSERT_TRUE(index);
      (*index)[0].annotations.clear();
      content = *image::render_index(*index);
    }
    ASSERT_TRUE(tar.add_file(e.path, content, e.mode));
  }
  pause.archive_path = tmp / "anonymous.oci.tar";
  ASSERT_TRUE(write_file_atomic(pause.archive_path, *tar.finish()));

  auto daemon = start_containerd(tmp / "state");
  ASSERT_TRUE(daemon) << daemon.error().message();
  image::ImportOptions options;
  options.address = daemon->address();
  auto imported = image::import_images(options, {pause});
  ASSERT_FALSE(imported);
  EXPECT_EQ(imported.error().message(), "import images: " + image::pause_image_reference() +
                                            " is not listed in namespace k8s.io after import");
  daemon->stop();
}

TEST(Images, CommandLineUsageErrors) {
  ASSERT_TRUE(std::filesystem::exists(kMkata)) << kMkata;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::string help = "\nhint: see 'mkata images --help'\n";
  std::vector<Case> cases = {
      {{}, "images: missing subcommand (accepted: build, import)" + help},
      {{"push"}, "images: unknown subcommand 'push' (accepted: build, import)" + help},
      {{"build", "extra"}, "images: unexpected argument 'extra'" + help},
      {{"build", "--address", "/x.sock"},
       "images: option '--address' does not apply to 'build'" + help},
      {{"import", "--out=x"}, "images: option '--out' does not apply to 'import'" + help},
      {{"import"},
       "images: import needs --address SOCKET (MicroK8s: "
       "/var/snap/microk8s/common/run/containerd.sock)" +
           help},
      {{"build", "--workloads", "/nonexistent/bin"},
       "build images: find workload binaries: no directory holds helloworld, autoscale, pause; "
       "searched: /nonexistent/bin (missing helloworld, autoscale, pause)\nhint: build them "
       "(ninja -C build helloworld autoscale pause) or pass --workloads DIR (or set "
       "MKATA_WORKLOAD_DIR)\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kMkata, "images"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto result = run(argv);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->exit_code, 2) << join(c.args, " ");
    EXPECT_EQ(result->err, "mkata: error: " + c.err) << join(c.args, " ");
  }
}

TEST(Images, CommandLineBuildAndImport) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  MKATA_REQUIRE_PROGRAM("ctr");
  ASSERT_TRUE(std::filesystem::exists(kMkata)) << kMkata;
  test::TempDir tmp("mkata-images");
  bool real = false;
  auto bins = workload_dir(tmp, &real);
  ASSERT_TRUE(bins) << bins.error().message();

  auto build = run({kMkata, "images", "build", "--workloads", *bins, "--out", tmp / "out"});
  ASSERT_TRUE(build);
  ASSERT_EQ(build->exit_code, 0) << build->err;
  auto images = image::read_image_set(tmp / "out");
  ASSERT_TRUE(images) << images.error().message();
  for (const auto& i : *images) {
    EXPECT_NE(build->out.find(i.reference), std::string::npos) << build->out;
    EXPECT_NE(build->out.find(i.manifest_digest), std::string::npos) << build->out;
  }

  auto no_socket =
      run({kMkata, "images", "import", "--address", tmp / "nope.sock", "--dir", tmp / "out"});
  ASSERT_TRUE(no_socket);
  EXPECT_EQ(no_socket->exit_code, 2);
  EXPECT_EQ(no_socket->err, "mkata: error: import images: containerd socket " + tmp / "nope.sock" +
                                " not found: is containerd running?\nhint: MicroK8s's containerd "
                                "listens on /var/snap/microk8s/common/run/containerd.sock\n");

  auto daemon = start_containerd(tmp / "state");
  ASSERT_TRUE(daemon) << daemon.error().message();
  auto import = run(
      {kMkata, "images", "import", "--address", daemon->address(), "--dir", tmp / "out", "--json"});
  ASSERT_TRUE(import);
  ASSERT_EQ(import->exit_code, 0) << import->err;
  for (const auto& i : *images) {
    EXPECT_NE(import->out.find("\"reference\": \"" + i.reference + "\""), std::string::npos)
        << import->out;
    EXPECT_NE(import->out.find("\"digest\": \"" + i.manifest_digest + "\""), std::string::npos)
        << import->out;
  }
  auto listed = run_checked(ctr(*daemon, {"images", "ls", "--quiet"}));
  ASSERT_TRUE(listed) << listed.error().message();
  EXPECT_EQ(*listed, image::image_reference("autoscale") + "\n" +
                         image::image_reference("helloworld") + "\n" +
                         image::image_reference("pause") + "\n");
  daemon->stop();
}

}  // namespace mkata
