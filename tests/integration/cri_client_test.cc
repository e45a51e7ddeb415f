// The CRI client against Debian's real containerd with its CRI plugin: Version and verbose Status
// come back through the partial runtime.v1 proto, the handlers containerd LOADED are read back
// from the status "config" JSON (what `mkata install` relies on), and a socket nobody answers on
// ends in a clear error within the deadline.
#include "cri/cri_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "core/files.h"
#include "core/process.h"
#include "embedded/containerd_daemon.h"
#include "support/test_env.h"

namespace mkata {
namespace {

using std::chrono::milliseconds;

/// A private containerd with the CRI plugin, a runc handler and a second, oddly named handler
/// (to prove the read-back reports what the config says, not a default). No CNI network config:
/// Version and Status do not need one.
std::string cri_config(const ContainerdPaths& p) {
  const std::string cri = "[plugins.\"io.containerd.grpc.v1.cri\"]\n";
  const std::string runtimes = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes";
  return private_containerd_config(p) + cri +
         "  stream_server_address = \"127.0.0.1\"\n"
         "  stream_server_port = \"0\"\n"
         "  netns_mounts_under_state_dir = true\n"
         "  restrict_oom_score_adj = true\n"
         "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
         "  snapshotter = \"overlayfs\"\n"
         "  default_runtime_name = \"runc\"\n" +
         runtimes + ".runc]\n  runtime_type = \"io.containerd.runc.v2\"\n" + runtimes +
         ".runc.options]\n  BinaryName = \"runc\"\n  Root = \"" + p.state_dir +
         "/runc\"\n  SystemdCgroup = false\n" + runtimes +
         ".mkata-probe]\n  runtime_type = \"io.containerd.runc.v2\"\n"
         "[plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
         "  bin_dir = \"/usr/lib/cni\"\n"
         "  conf_dir = \"" +
         p.state_dir +
         "/cni/net.d\"\n"
         "  max_conf_num = 1\n";
}

TEST(CriClientIntegration, VersionStatusAndLoadedHandlersFromRealContainerd) {
  MKATA_REQUIRE_ROOT();
  MKATA_REQUIRE_PROGRAM("containerd");
  test::TempDir dir("mkata-cri-client");
  ContainerdOptions options;
  options.state_dir = dir / "state";
  ASSERT_TRUE(make_directories(options.state_dir + "/cni/net.d"));
  options.config_toml = cri_config(ContainerdPaths::under(options.state_dir));
  auto daemon = ContainerdDaemon::start(options);
  ASSERT_TRUE(daemon) << daemon.error().message();

  auto client = cri::CriClient::connect(daemon->address(), milliseconds(5000));
  ASSERT_TRUE(client) << client.error().message();
  auto version = client->version();
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ(version->runtime_name, "containerd");
  EXPECT_EQ(version->runtime_api_version, "v1");
  auto cli_version = run_checked({"containerd", "--version"});
  ASSERT_TRUE(cli_version) << cli_version.error().message();
  EXPECT_NE(cli_version->find(version->runtime_version), std::string::npos)
      << "CRI says " << version->runtime_version << ", containerd --version says " << *cli_version;

  auto status = client->status(true);
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_TRUE(status->is("RuntimeReady"));
  ASSERT_NE(status->condition("NetworkReady"), nullptr);
  EXPECT_FALSE(status->is("NetworkReady")) << "no CNI config was given";
  EXPECT_TRUE(status->info.contains("config"));

  auto handlers = client->loaded_runtime_handlers();
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ(*handlers,
            (std::map<std::string, std::string>{{"runc", "io.containerd.runc.v2"},
                                                {"mkata-probe", "io.containerd.runc.v2"}}));

  auto details = client->loaded_runtime_handler_details();
  ASSERT_TRUE(details) << details.error().message();
  EXPECT_EQ(details->at("runc").options.at("BinaryName"), "runc");
  EXPECT_EQ(details->at("runc").options.at("Root"), options.state_dir + "/runc");
  EXPECT_EQ(details->at("runc").options.at("SystemdCgroup"), "false");

  auto images = client->list_images();
  ASSERT_TRUE(images) << images.error().message();
  EXPECT_TRUE(images->empty());
  auto absent = client->image_status("docker.io/library/absent:1");
  ASSERT_TRUE(absent) << absent.error().message();
  EXPECT_FALSE(absent->has_value());
  auto pods = client->list_pods();
  ASSERT_TRUE(pods) << pods.error().message();
  EXPECT_TRUE(pods->empty());

  // A runtime error comes back with the call, its subject and containerd's own words.
  cri::PodSpec pod;
  pod.name = "x";
  pod.uid = "x";
  pod.runtime_handler = "no-such-handler";
  auto run = client->run_pod(pod);
  ASSERT_FALSE(run);
  EXPECT_TRUE(run.error().message().starts_with("CRI RunPodSandbox (handler no-such-handler): "))
      << run.error().message();
  daemon->stop();
}

TEST(CriClientIntegration, SocketNobodyServesFailsWithinTheDeadline) {
  test::TempDir dir("mkata-cri-client");
  std::string path = dir / "absent.sock";
  auto start = std::chrono::steady_clock::now();
  auto client = cri::CriClient::connect(path, milliseconds(500));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().message(),
            "CRI connect unix://" + path + ": not reachable within 500 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
}

TEST(CriClientIntegration, SocketThatAcceptsButNeverAnswersFailsWithinTheDeadline) {
  // A wedged server: the kernel accepts the connection (listen backlog), nobody speaks HTTP/2.
  test::TempDir dir("mkata-cri-client");
  std::string path = dir / "silent.sock";
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  auto start = std::chrono::steady_clock::now();
  auto client = cri::CriClient::connect(path, milliseconds(500));
  std::string error;
  if (client) {
    auto version = client->version();
    ASSERT_FALSE(version);
    error = version.error().message();
    EXPECT_EQ(error, "CRI Version: no answer within 500 ms (deadline exceeded)");
  } else {
    error = client.error().message();
    EXPECT_EQ(error, "CRI connect unix://" + path + ": not reachable within 500 ms");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000)) << error;
  close(fd);
}

}  // namespace
}  // namespace mkata
