// mkata install / uninstall against Debian's real containerd: for each kind of config file (a
// plain containerd config, `containerd config default`, an absent file, MicroK8s's templates
// rendered the way the snap renders them, a k3s template rendered over a base), install writes
// its blocks, containerd is (re)started on the result, and the handlers are read back through CRI
// Status; uninstall restores the original bytes and the handlers are gone. The "restart" hook
// restarts the test's own private containerd, never the host's.
//
// Bad input goes through the real `mkata` binary: one error line, exit 2, the file's bytes intact.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "artifacts/testing/release_fixtures.h"
#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "cri/cri_client.h"
#include "embedded/containerd_daemon.h"
#include "node/installer.h"
#include "support/fetched_versions.h"
#include "support/test_env.h"

namespace mkata {
namespace {

using node::InstallRequest;
using node::NodeHooks;

const std::string kMkata = binary_path("/src/cli/mkata");
const std::string kTestdata = source_path("/src/node/testdata/");
const std::string kMicrok8s = source_path("/../shared/fixtures/microk8s/");

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

/// A host path in a config, in either TOML quoting (containerd 1.x writes "…", 2.x '…').
std::string replace_path(std::string text, const std::string& from, const std::string& to) {
  text = replace_all(text, "\"" + from + "\"", "\"" + to + "\"");
  return replace_all(text, "'" + from + "'", "'" + to + "'");
}

bool has_table(const std::string& text, const std::string& plugin, const std::string& rest = "") {
  return text.find("[plugins.\"" + plugin + "\"" + rest + "]") != std::string::npos ||
         text.find("[plugins.'" + plugin + "'" + rest + "]") != std::string::npos;
}

/// Turns an installed config into one a private containerd can run without touching the host:
/// host paths of the stock configs point into the test's directory, NRI (on by default in
/// containerd 2.x, with a socket in /var/run/nri) is off, and a CNI table with private dirs (no
/// network config is needed for Status) and the opt plugin's path are added when absent — under
/// the CRI plugin id of the file's schema.
std::string privatize(std::string text, const std::string& dir) {
  text = replace_path(text, "/opt/containerd", dir + "/opt");
  text = replace_path(text, "/etc/cni/net.d", dir + "/cni-conf");
  text = replace_path(text, "/opt/cni/bin", dir + "/cni-bin");
  text = replace_path(text, "/var/run/nri/nri.sock", dir + "/nri.sock");
  text = replace_path(text, "127.0.0.1:1338", "");  // MicroK8s's metrics port
  if (!has_table(text, "io.containerd.internal.v1.opt")) {
    text += "\n[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + dir + "/opt\"\n";
  }
  if (!has_table(text, "io.containerd.nri.v1.nri")) {
    text += "\n[plugins.\"io.containerd.nri.v1.nri\"]\n  disable = true\n";
  }
  bool v3 = text.starts_with("version = 3") || text.find("\nversion = 3") != std::string::npos;
  std::string cri = v3 ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
  if (!has_table(text, cri, ".cni")) {
    text += "\n[plugins.\"" + cri + "\".cni]\n  bin_dir = \"" + dir +
            "/cni-bin\"\n  conf_dir = \"" + dir + "/cni-conf\"\n";
  }
  return text;
}

/// What the snap does before starting containerd: substitute the template's placeholders
/// (snap/microk8s-resources/wrappers/run-containerd-with-args), here pointing at temp dirs.
std::string render_microk8s(const std::string& tmpl, const std::string& dir) {
  std::string text = replace_all(tmpl, "${SNAP_DATA}", dir + "/snap-data");
  text = replace_all(text, "${SNAP}", dir + "/snap");
  text = replace_all(text, "${SNAPSHOTTER}", "overlayfs");
  text = replace_all(text, "${RUNTIME_TYPE}", "io.containerd.runc.v2");
  return replace_all(text, "${RUNTIME}", "runc");
}

/// What k3s does: the template's `{{ template "base" . }}` becomes k3s's generated base config
/// (here: a private header of the template's schema with the CRI plugin and, as k3s's base has,
/// runc). k3s renders config-v3.toml.tmpl over a schema-v3 base when it ships containerd 2.
std::string render_k3s(const std::string& tmpl, const ContainerdPaths& paths, bool v3) {
  std::string base = private_containerd_config(paths);
  std::string runtime_id = "io.containerd.grpc.v1.cri";
  if (v3) {
    base = replace_all(base, "version = 2\n", "version = 3\n");
    runtime_id = "io.containerd.cri.v1.runtime";
  }
  base +=
      "[plugins.\"io.containerd.grpc.v1.cri\"]\n  stream_server_address = "
      "\"127.0.0.1\"\n  stream_server_port = \"0\"\n"
      "[plugins.\"" +
      runtime_id +
      "\".containerd.runtimes.runc]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n";
  return replace_all(tmpl, "{{ template \"base\" . }}", base);
}

/// One containerd of the version matrix: Debian 12's (on PATH) or one that
/// scripts/fetch-versions.sh unpacked from Debian 13 or unstable.
struct ContainerdUnderTest {
  std::string label;  ///< the test's name suffix: "debian12", "trixie", "sid"
  std::string suite;  ///< "" for the system's
};

std::string PrintToString(const ContainerdUnderTest& c) { return c.label; }

/// The containerd binary of a matrix entry, or why it cannot run here.
struct ResolvedContainerd {
  std::string binary;
  std::string version;  ///< major.minor from `containerd --version`, e.g. "2.1"
  std::string why_not;
};

ResolvedContainerd resolve_containerd(const ContainerdUnderTest& c) {
  ResolvedContainerd r;
  if (c.suite.empty()) {
    if (!find_executable("containerd")) return {"", "", "containerd is not installed"};
    r.binary = "containerd";
  } else {
    auto pkg = test::fetched_package("containerd", c.suite);
    if (!pkg.available()) return {"", "", pkg.why};
    r.binary = pkg.file("/usr/bin/containerd");
  }
  auto out = run_checked({r.binary, "--version"});
  if (!out) return {"", "", r.binary + " --version failed: " + out.error().message()};
  // "containerd github.com/containerd/containerd/v2 2.1.9+unknown" → "2.1"
  auto words = split(trim(*out), ' ');
  std::string v = words.size() >= 3 ? words[2] : "";
  if (v.starts_with("v")) v = v.substr(1);
  auto dot = v.find('.', v.find('.') + 1);
  r.version = v.substr(0, dot);
  return r;
}

/// A private containerd restarted on the file under test, rendered by `render`.
class PrivateNode {
 public:
  PrivateNode(const std::string& dir, const std::string& file,
              std::function<std::string(const std::string&)> render,
              std::string binary = "containerd")
      : dir_(dir), file_(file), render_(std::move(render)), binary_(std::move(binary)) {
    for (const char* d : {"/cni-conf", "/cni-bin", "/opt", "/snap-data", "/snap"}) {
      EXPECT_TRUE(make_directories(dir_ + d));
    }
  }
  ~PrivateNode() { stop(); }

  std::string address() const { return ContainerdPaths::under(dir_ + "/state").address; }

  Result<void> restart() {
    stop();
    // containerd runs on its defaults when the file is absent (after uninstall deleted it); the
    // stand-in says `version = 2` so that privatize()'s plugin ids are not read as schema v1.
    auto text = path_exists(file_) ? read_file(file_) : Result<std::string>("version = 2\n");
    if (!text) return fail(text.error());
    ContainerdOptions options;
    options.state_dir = dir_ + "/state";
    options.config_toml = privatize(render_(*text), dir_);
    options.binary = binary_;
    auto daemon = ContainerdDaemon::start(options);
    if (!daemon) return fail(daemon.error());
    daemon_.emplace(std::move(*daemon));
    return {};
  }

  void stop() {
    if (daemon_) daemon_->stop();
    daemon_.reset();
  }

  NodeHooks hooks() {
    NodeHooks hooks = node::real_node_hooks();
    hooks.restart = [this](const std::vector<std::string>&) { return restart(); };
    return hooks;
  }

 private:
  std::string dir_, file_;
  std::function<std::string(const std::string&)> render_;
  std::string binary_;
  std::optional<ContainerdDaemon> daemon_;
};

std::string must_read(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << text.error().message();
  return text.value_or("");
}

bool contains_line(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& l : lines) {
    if (l.starts_with(prefix)) return true;
  }
  return false;
}

struct RoundTrip {
  std::string name;
  std::optional<std::string> original;  // nullopt: absent file
  std::string file_name = "config.toml";
  std::string distro = "containerd";
  std::function<std::string(const std::string&)> render = [](const std::string& t) { return t; };
};

/// The round trips and the schema checks, once per containerd of the matrix.
class InstallMatrix : public ::testing::TestWithParam<ContainerdUnderTest> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (runs real containerd/runtimes)";
    containerd_ = resolve_containerd(GetParam());
    if (containerd_.binary.empty()) GTEST_SKIP() << containerd_.why_not;
  }

  bool is_2x() const { return containerd_.version.starts_with("2."); }

  /// install → containerd loads them (read-back) → uninstall → original bytes, handlers gone.
  void run_round_trip(const RoundTrip& rt, const std::vector<std::string>& runtimes,
                      const std::vector<std::string>& expect_loaded) {
    SCOPED_TRACE(rt.name + " on containerd " + containerd_.version + " (" + GetParam().label + ")");
    test::TempDir dir("mkata-install");
    std::string file = dir / rt.file_name;
    PrivateNode node(dir.path(), file, rt.render, containerd_.binary);
    // containerd is running before install (on a stand-in config when the file is absent).
    ASSERT_TRUE(write_file_atomic(file, rt.original.value_or("version = 2\n")));
    ASSERT_TRUE(node.restart());
    if (!rt.original) {
      ASSERT_EQ(unlink(file.c_str()), 0);
    }
    auto before = node::read_loaded_runtimes(node.address(), std::chrono::seconds(10));
    ASSERT_TRUE(before) << before.error().message();

    InstallRequest request;
    request.runtimes = runtimes;
    request.distro = rt.distro;
    request.config = file;
    request.address = node.address();
    request.adapter_dir = dir / "adapters";
    auto installed = node::install_runtimes(request, node.hooks());
    ASSERT_TRUE(installed) << installed.error().message() << "\n" << installed.error().hint();
    EXPECT_TRUE(contains_line(installed->notes, "verified: containerd " + containerd_.version) ||
                contains_line(installed->notes, "verified: containerd v" + containerd_.version))
        << join(installed->notes, "\n");
    last_install_ = *installed;

    // The proof, read independently of install: containerd loaded each handler.
    auto loaded = node::read_loaded_runtimes(node.address(), std::chrono::seconds(10));
    ASSERT_TRUE(loaded) << loaded.error().message();
    for (const auto& name : expect_loaded) EXPECT_TRUE(loaded->handlers.contains(name)) << name;
    if (std::ranges::find(runtimes, "kata") != runtimes.end()) {
      EXPECT_EQ(loaded->handlers["kata"], "io.containerd.kata.v2");
    }

    auto again = node::install_runtimes(request, node.hooks());
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_TRUE(contains_line(again->notes, "no change to " + file)) << join(again->notes, "\n");

    auto removed = node::uninstall_runtimes(request, node.hooks());
    ASSERT_TRUE(removed) << removed.error().message() << "\n" << removed.error().hint();
    if (rt.original)
      EXPECT_EQ(must_read(file), *rt.original);
    else
      EXPECT_FALSE(path_exists(file));
    if (rt.original) {
      // What containerd loads is exactly what it loaded before install.
      loaded = node::read_loaded_runtimes(node.address(), std::chrono::seconds(10));
      ASSERT_TRUE(loaded) << loaded.error().message();
      EXPECT_EQ(loaded->handlers, before->handlers);
    }
  }

  ResolvedContainerd containerd_;
  node::InstallReport last_install_;
};

TEST_P(InstallMatrix, PlainContainerdConfig) {
  run_round_trip(
      {.name = "plain",
       .original = std::string("version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  "
                               "stream_server_address = \"127.0.0.1\"\n")},
      {"kata", "gvisor", "crun", "runc"}, {"kata", "gvisor", "crun", "runc"});
  // A schema-v2 file stays schema v2 on containerd 2.x, which migrates it when it loads it.
  EXPECT_EQ(last_install_.facts["config"]["schema"], 2);
}

TEST_P(InstallMatrix, ContainerdConfigDefault) {
  // The version's own `config default` (schema v3 on 2.x): it already has runc, which mkata
  // leaves as it is.
  auto text = run_checked({containerd_.binary, "config", "default"});
  ASSERT_TRUE(text) << text.error().message();
  run_round_trip({.name = "containerd config default", .original = *text},
                 {"kata", "gvisor", "crun", "runc"}, {"kata", "gvisor", "crun", "runc"});
  EXPECT_EQ(last_install_.facts["config"]["schema"], is_2x() ? 3 : 2);
}

TEST_P(InstallMatrix, AbsentFileIsCreatedForTheRunningContainerd) {
  run_round_trip({.name = "absent", .original = std::nullopt}, {"kata", "gvisor"},
                 {"kata", "gvisor"});
  // The schema of a new file is the one the running containerd reads natively.
  EXPECT_EQ(last_install_.facts["config"]["schema"], is_2x() ? 3 : 2);
}

TEST_P(InstallMatrix, MicroK8sTemplatesRenderedLikeTheSnap) {
  // MicroK8s's template says `version = 2` also where the snap ships containerd 2.x, which
  // migrates it: mkata writes schema-v2 tables and the read-back proves containerd loaded them.
  if (!path_exists(kMicrok8s)) GTEST_SKIP() << kMicrok8s << " is absent";
  for (const char* name : {"containerd-template.toml", "containerd-template.2020-08.toml"}) {
    RoundTrip rt{.name = name,
                 .original = must_read(kMicrok8s + name),
                 .file_name = "containerd-template.toml",
                 .distro = "microk8s"};
    // The placeholders point at a directory of this test's own.
    test::TempDir snapdirs("mkata-install-snap");
    ASSERT_TRUE(make_directories(snapdirs / "snap-data/args/cni-network"));
    std::string base = snapdirs.path();
    rt.render = [base](const std::string& t) { return render_microk8s(t, base); };
    // The current template's stock kata handler is kept (not duplicated) and still loads.
    run_round_trip(rt, {"kata", "gvisor", "crun"},
                   {"kata", "gvisor", "crun", "runc", "nvidia-container-runtime"});
    EXPECT_EQ(last_install_.facts["config"]["schema"], 2);
  }
}

TEST_P(InstallMatrix, K3sTemplateRenderedOverABase) {
  // k3s and RKE2 with containerd 2 render config-v3.toml.tmpl over a schema-v3 base.
  bool v3 = is_2x();
  test::TempDir basedir("mkata-install-k3s");
  ContainerdPaths paths = ContainerdPaths::under(basedir / "unused");
  std::string name = v3 ? "config-v3.toml.tmpl" : "config.toml.tmpl";
  RoundTrip rt{
      .name = "k3s " + name,
      .original = must_read(kTestdata + (v3 ? "k3s-config-v3.toml.tmpl" : "k3s-config.toml.tmpl")),
      .file_name = name,
      .distro = "k3s"};
  rt.render = [paths, v3](const std::string& t) { return render_k3s(t, paths, v3); };
  run_round_trip(rt, {"kata", "gvisor"}, {"kata", "gvisor", "custom"});
  EXPECT_EQ(last_install_.facts["config"]["schema"], v3 ? 3 : 2);
}

TEST_P(InstallMatrix, ASchemaV3FileIsRefusedOnContainerd1xAndLoadedOn2x) {
  // containerd 1.x starts on `version = 3` and ignores every v3 table: install asks the running
  // containerd first and refuses before a byte is written. containerd 2.x loads it.
  std::string original = must_read(kTestdata + "containerd-2.0-config.toml");
  if (is_2x()) {
    run_round_trip({.name = "containerd 2.0 config", .original = original}, {"kata", "gvisor"},
                   {"kata", "gvisor"});
    EXPECT_EQ(last_install_.facts["config"]["schema"], 3);
    return;
  }
  // containerd 1.6 would start on the v3 file, 1.7 refuses to ("unsupported config version
  // `3`"): the node runs on a v2 stand-in, then the file under test takes its place.
  test::TempDir dir("mkata-install");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  PrivateNode node(
      dir.path(), file, [](const std::string& t) { return t; }, containerd_.binary);
  ASSERT_TRUE(node.restart());
  ASSERT_TRUE(write_file_atomic(file, original));
  InstallRequest request;
  request.runtimes = {"kata"};
  request.config = file;
  request.distro = "containerd";
  request.address = node.address();
  auto installed = node::install_runtimes(request, node.hooks());
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(installed.error().message().starts_with(
      "install kata: " + file +
      ": the file says version = 3 (config schema v3, containerd 2.x), but containerd " +
      containerd_.version))
      << installed.error().message();
  EXPECT_TRUE(installed.error().message().ends_with(
      " at " + node.address() +
      " reads schema v2 only: it would start and ignore every runtime written there"))
      << installed.error().message();
  EXPECT_EQ(must_read(file), original);
  EXPECT_FALSE(path_exists(file + ".mkata-backup"));
}

INSTANTIATE_TEST_SUITE_P(Containerd, InstallMatrix,
                         ::testing::Values(ContainerdUnderTest{"debian12", ""},
                                           ContainerdUnderTest{"trixie", "trixie"},
                                           ContainerdUnderTest{"sid", "sid"}),
                         [](const auto& p) { return p.param.label; });

TEST(InstallIntegration, AdaptersAreCopiedAndWiredAsLoadedByContainerd) {
  // The adapters themselves run pods in tests/integration/adapters_test.cc and the embedded
  // node's tests; here: install puts them in the adapter dir and containerd loads BinaryName.
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  const std::string built = binary_path("/adapters/");
  for (const char* a : {"mkata-runsc-adapter", "mkata-crun-adapter"}) {
    if (!path_exists(built + a)) GTEST_SKIP() << built << a << " is not built (ninja " << a << ")";
  }
  test::TempDir dir("mkata-install");
  std::string file = dir / "config.toml";
  ASSERT_TRUE(write_file_atomic(file, "version = 2\n"));
  PrivateNode node(dir.path(), file, [](const std::string& t) { return t; });
  ASSERT_TRUE(node.restart());
  InstallRequest request;
  request.runtimes = {"gvisor", "crun"};
  request.distro = "containerd";
  request.config = file;
  request.address = node.address();
  request.adapter_dir = dir / "lib/mkata";
  auto installed = node::install_runtimes(request, node.hooks());
  ASSERT_TRUE(installed) << installed.error().message();

  auto client = cri::CriClient::connect(node.address(), std::chrono::seconds(5));
  ASSERT_TRUE(client) << client.error().message();
  auto status = client->status(true);
  ASSERT_TRUE(status) << status.error().message();
  auto config = nlohmann::json::parse(status->info["config"]);
  const auto& runtimes = config["containerd"]["runtimes"];
  EXPECT_EQ(runtimes["gvisor"]["options"]["BinaryName"], dir / "lib/mkata/mkata-runsc-adapter");
  bool hybrid = path_exists("/sys/fs/cgroup/unified/cgroup.controllers");
  EXPECT_EQ(runtimes["crun"]["options"]["BinaryName"],
            hybrid ? dir / "lib/mkata/mkata-crun-adapter" : std::string("crun"));
  for (const char* a : {"mkata-runsc-adapter", "mkata-crun-adapter"}) {
    if (!hybrid && std::string(a) == "mkata-crun-adapter") continue;
    std::string copy = dir / ("lib/mkata/" + std::string(a));
    EXPECT_EQ(must_read(copy), must_read(built + a)) << a;
    struct stat st {};
    ASSERT_EQ(stat(copy.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0755u) << a;
  }
  ASSERT_TRUE(node::uninstall_runtimes(request, node.hooks()));
  EXPECT_EQ(must_read(file), "version = 2\n");
}

// --- Bad input through the real binary -----------------------------------------------------

ProcessResult mkata(const std::vector<std::string>& args) { return test::run_mkata_cli(args); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(InstallCli, BadInputIsOneLineExit2AndTheFileIsUntouched) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-bad");
  const std::string malformed = "version = 2\n[grpc\n";
  ASSERT_TRUE(write_file_atomic(dir / "bad.toml", malformed));
  auto r = mkata({"install", "--runtime", "kata", "--config", dir / "bad.toml", "--no-restart"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: install kata: " + dir / "bad.toml" +
                                   " is not valid TOML: Error while parsing table header: "
                                   "expected ']', saw '\\n' (line 2, column 6)");
  EXPECT_EQ(must_read(dir / "bad.toml"), malformed);

  const std::string bad_json = "{\"log-level\": \"info\",";
  ASSERT_TRUE(write_file_atomic(dir / "daemon.json", bad_json));
  r = mkata({"install", "--engine", "docker", "--runtime", "kata", "--config", dir / "daemon.json",
             "--no-restart"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(first_line(r.err).starts_with("mkata: error: install kata: " + dir / "daemon.json" +
                                            " is not valid JSON: [json.exception.parse_error"))
      << r.err;
  EXPECT_EQ(must_read(dir / "daemon.json"), bad_json);

  r = mkata({"install", "--runtime", "firecracker", "--config", dir / "bad.toml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: install: invalid value 'firecracker' for --runtime "
            "(accepted: runc, crun, gvisor, kata)");
  r = mkata({"uninstall", "--runtime", "kata,lxc"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: uninstall: invalid value 'lxc' for --runtime "
            "(accepted: runc, crun, gvisor, kata)");
}

TEST(InstallCli, ReadOnlyAndUnreadableFiles) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-bad");
  const std::string original = "version = 2\n";
  std::string ro = dir / "ro.toml";
  ASSERT_TRUE(write_file_atomic(ro, original, 0444));
  auto r = mkata({"install", "--runtime", "kata", "--config", ro, "--no-restart"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: install kata: cannot edit " + ro +
                                   ": the file is read-only (mode 0444)");
  EXPECT_EQ(must_read(ro), original);

  // A directory where the file should be is refused before anything is read or backed up.
  ASSERT_TRUE(make_directories(dir / "dir.toml"));
  r = mkata({"install", "--runtime", "kata", "--config", dir / "dir.toml", "--no-restart"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: install kata: read " + dir / "dir.toml" +
                ": not a regular file (directory)");
  if (geteuid() != 0) {
    std::string secret = dir / "secret.toml";
    ASSERT_TRUE(write_file_atomic(secret, original, 0000));
    r = mkata({"install", "--runtime", "kata", "--config", secret, "--no-restart"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(first_line(r.err),
              "mkata: error: install kata: read " + secret + ": Permission denied");
  }
}

TEST(InstallCli, ContainerdNotRunningLeavesTheFileUntouched) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-bad");
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", original));
  auto r = mkata({"install", "--runtime", "gvisor", "--distro", "containerd", "--config",
                  dir / "c.toml", "--containerd-address", dir / "nobody.sock"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: install gvisor: containerd is not running at " +
                                   dir / "nobody.sock" + " (no such socket)");
  EXPECT_EQ(must_read(dir / "c.toml"), original);
  EXPECT_FALSE(path_exists(dir / "c.toml.mkata-backup"));
}

TEST(InstallCli, PreparedOfflineThenVerifiedThroughTheRealBinary) {
  // The CLI end to end without restarting anything of the host's: --no-restart prepares the file,
  // our private containerd starts on it, and a second `mkata install` finds nothing to change, so
  // it does not restart — and still reads the handlers back through CRI.
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-cli");
  std::string file = dir / "config.toml";
  auto r = mkata({"install", "--runtime", "kata,gvisor", "--distro", "containerd", "--config", file,
                  "--no-restart", "--adapter-dir", dir / "lib"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  PrivateNode node(dir.path(), file, [](const std::string& t) { return t; });
  ASSERT_TRUE(node.restart());
  r = mkata({"install", "--runtime", "kata,gvisor", "--distro", "containerd", "--config", file,
             "--containerd-address", node.address(), "--adapter-dir", dir / "lib"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // notes are for people: stderr
  EXPECT_NE(r.err.find("no change to " + file + "\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("verified: containerd 1.6"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" loaded kata (io.containerd.kata.v2), gvisor (io.containerd.runc.v2)\n"),
            std::string::npos)
      << r.err;
  r = mkata({"uninstall", "--runtime", "kata,gvisor", "--distro", "containerd", "--config", file,
             "--no-restart"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(path_exists(file));  // mkata created it, mkata deleted it
}

TEST(InstallCli, DryRunPrintsTheDiffAndChangesNothing) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-dry");
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", original));
  auto r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--dry-run",
                  "--containerd-address", dir / "nobody.sock"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--- " + dir / "c.toml" + "\n+++ " + dir / "c.toml" +
                       "\n@@ -1 +1,11 @@\n version = 2\n+# BEGIN mkata default runtime"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(must_read(dir / "c.toml"), original);
}

// --- Plan, then act, and what goes to stdout (the real binary) ----------------------------

size_t count_lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(InstallCli, FromChecksTheConfigBeforeItPlacesTheRuntime) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-plan");
  std::string archive = dir / "kata-static-3.2.0-amd64.tar.xz";
  ASSERT_TRUE(artifacts::testing::write_tar(archive, artifacts::testing::kata_static_entries()));
  const std::string malformed = "version = 2\n[grpc\n";
  ASSERT_TRUE(write_file_atomic(dir / "bad.toml", malformed));
  auto r = mkata({"install", "--runtime", "kata", "--config", dir / "bad.toml", "--no-restart",
                  "--from", archive, "--prefix", dir / "kata", "--manifest-dir", dir / "m"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(first_line(r.err).starts_with("mkata: error: install kata: " + dir / "bad.toml" +
                                            " is not valid TOML"))
      << r.err;
  EXPECT_EQ(must_read(dir / "bad.toml"), malformed);
  EXPECT_FALSE(path_exists(dir / "kata"));
  EXPECT_FALSE(path_exists(dir / "m"));

  // An unwritable --runtime-classes, and a containerd that is not running: refused likewise.
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", original));
  r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--no-restart", "--from",
             archive, "--prefix", dir / "kata", "--manifest-dir", dir / "m", "--runtime-classes",
             dir / "no/such/dir/kata.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(first_line(r.err), "mkata: error: install kata: --runtime-classes " +
                                   dir / "no/such/dir/kata.yaml" + ": the directory " +
                                   dir / "no/such/dir" + " does not exist");
  r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--from", archive,
             "--prefix", dir / "kata", "--manifest-dir", dir / "m", "--containerd-address",
             dir / "nobody.sock"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(first_line(r.err), "mkata: error: install kata: containerd is not running at " +
                                   dir / "nobody.sock" + " (no such socket)");
  EXPECT_EQ(must_read(dir / "c.toml"), original);
  EXPECT_FALSE(path_exists(dir / "c.toml.mkata-backup"));
  EXPECT_FALSE(path_exists(dir / "kata"));
  EXPECT_FALSE(path_exists(dir / "m"));

  // With every input right, it acts: the runtime, then the handler.
  r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--no-restart", "--from",
             archive, "--prefix", dir / "kata", "--manifest-dir", dir / "m", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  EXPECT_EQ(doc["installed"]["prefix"], dir / "kata");
  EXPECT_EQ(doc["installed"]["shim"], dir / "kata/bin/containerd-shim-kata-v2");
  EXPECT_EQ(doc["config"]["action"], "updated");
  EXPECT_NE(must_read(dir / "c.toml")
                .find("runtime_path = \"" + dir / "kata/bin/"
                                                  "containerd-shim-kata-v2\""),
            std::string::npos);
  r = mkata({"uninstall", "--runtime", "kata", "--config", dir / "c.toml", "--no-restart",
             "--purge", "--manifest-dir", dir / "m"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(must_read(dir / "c.toml"), original);
}

TEST(InstallCli, MachineOutputIsAloneOnStdout) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-stdout");
  const std::string original = "version = 2\n";
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", original));
  // --runtime-classes -: stdout is the YAML for kubectl apply -f -, nothing else.
  auto r = mkata({"install", "--runtime", "gvisor", "--config", dir / "c.toml", "--no-restart",
                  "--adapter-dir", dir / "lib", "--runtime-classes", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\n")) << r.out;
  EXPECT_EQ(r.out.find("wrote "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("distribution:"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("wrote " + dir / "c.toml"), std::string::npos) << r.err;
  std::string installed = must_read(dir / "c.toml");

  // --dry-run: stdout is a patch (the config, then the manifests it would write).
  r = mkata({"uninstall", "--runtime", "gvisor", "--config", dir / "c.toml", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("--- " + dir / "c.toml" + "\n+++ " + dir / "c.toml" + "\n@@ "))
      << r.out;
  EXPECT_EQ(r.out.find("dry run"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("dry run: no file was changed and nothing was restarted\n"),
            std::string::npos)
      << r.err;
  r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--dry-run",
             "--runtime-classes", dir / "kata.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("--- " + dir / "c.toml" + "\n")) << r.out;
  EXPECT_NE(r.out.find("\n--- /dev/null\n+++ " + dir / "kata.yaml" + "\n@@ -0,0 +1,"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n+handler: kata\n"), std::string::npos) << r.out;
  EXPECT_FALSE(path_exists(dir / "kata.yaml"));
  EXPECT_EQ(must_read(dir / "c.toml"), installed);

  // Two documents cannot share stdout.
  r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--json",
             "--runtime-classes", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: install: --runtime-classes - and --json would share stdout: give "
            "--runtime-classes a file");

  // --json: one document on stdout, also for uninstall.
  r = mkata(
      {"uninstall", "--runtime", "gvisor", "--config", dir / "c.toml", "--no-restart", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  EXPECT_EQ(doc["command"], "uninstall");
  EXPECT_EQ(doc["runtimes"], nlohmann::json::array({"gvisor"}));
  EXPECT_EQ(doc["config"]["path"], dir / "c.toml");
  EXPECT_EQ(doc["config"]["action"], "updated");
  EXPECT_EQ(doc["removed"], nlohmann::json::array({"gvisor"}));
  EXPECT_EQ(doc["restart"]["done"], false);
  EXPECT_EQ(doc["read_back"]["done"], false);
  EXPECT_TRUE(doc["notes"].is_array());
  EXPECT_EQ(must_read(dir / "c.toml"), original);
}

TEST(InstallCli, ArgumentsAreCheckedAndErrorsStayOneLine) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-args");
  // The option's value is missing: no file named "--dry-run" appears.
  std::vector<std::string> argv = {kMkata,     "install",   "--runtime",   "kata",
                                   "--config", "--dry-run", "--no-restart"};
  RunOptions options;
  options.cwd = dir.path();
  auto run_result = run(argv, options);
  ASSERT_TRUE(run_result) << run_result.error().message();
  EXPECT_EQ(run_result->exit_code, 2);
  EXPECT_EQ(first_line(run_result->err),
            "mkata: error: install: option '--config' needs a value (FILE), got the option "
            "'--dry-run'");
  EXPECT_FALSE(path_exists(dir / "--dry-run"));

  auto r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--no-restart",
                  "--adapter-dir", "lib"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err),
            "mkata: error: install kata: --adapter-dir lib: must be an absolute path (it is "
            "written into containerd's config)");
  EXPECT_FALSE(path_exists(dir / "c.toml"));

  r = mkata({"install", "--runtime", "kata", "--config", dir / "typo/c.toml", "--no-restart"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(path_exists(dir / "typo"));

  // A control character in an echoed value is escaped: the error stays one line (+ its hint).
  r = mkata({"install", "--runtime", "ka\nta\x1b[2J"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "mkata: error: install: invalid value 'ka\\x0ata\\x1b[2J' for --runtime (accepted: "
            "runc, crun, gvisor, kata)\nhint: see 'mkata install --help'\n");
  EXPECT_EQ(count_lines(r.err), 2u);
}

TEST(InstallCli, OverheadAsDocumentedReachesTheManifests) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-overhead");
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", "version = 2\n"));
  auto r = mkata({"install", "--runtime", "kata", "--config", dir / "c.toml", "--no-restart",
                  "--runtime-classes", "-", "--overhead", "kata=256Mi,250m"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  podFixed:\n    memory: \"256Mi\"\n    cpu: \"250m\"\n"),
            std::string::npos)
      << r.out;
}

TEST(InstallCli, PurgeWithoutAManifestFailsBeforeTheConfigIsEdited) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  test::TempDir dir("mkata-install-purge");
  ASSERT_TRUE(write_file_atomic(dir / "c.toml", "version = 2\n"));
  auto r = mkata({"install", "--runtime", "gvisor", "--config", dir / "c.toml", "--no-restart",
                  "--adapter-dir", dir / "lib"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string installed = must_read(dir / "c.toml");
  r = mkata({"uninstall", "--runtime", "gvisor", "--config", dir / "c.toml", "--no-restart",
             "--purge", "--manifest-dir", dir / "m"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(first_line(r.err), "mkata: error: purge gvisor: no manifest at " + dir / "m" +
                                   "/gvisor.json: mkata did not install gvisor (nothing to purge)");
  EXPECT_EQ(must_read(dir / "c.toml"), installed);
}

}  // namespace
}  // namespace mkata
