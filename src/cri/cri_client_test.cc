// The client against a real gRPC server on a real unix socket (an in-process fake CRI runtime):
// requests arrive as kubelet would send them, runtime errors come back named after the call and
// its subject, and every call ends by its deadline — a wedged runtime is an error, not a hang.
#include "cri/cri_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "cri/runtime_v1.grpc.pb.h"
#include "support/test_env.h"

namespace mkata::cri {
namespace {

namespace pb = runtime::v1;
using std::chrono::milliseconds;

class FakeRuntime final : public pb::RuntimeService::Service {
 public:
  grpc::Status Version(grpc::ServerContext*, const pb::VersionRequest*,
                       pb::VersionResponse* out) override {
    if (slow_) std::this_thread::sleep_for(milliseconds(1500));
    out->set_version("0.1.0");
    out->set_runtime_name("fake");
    out->set_runtime_version("9.9");
    out->set_runtime_api_version("v1");
    return grpc::Status::OK;
  }
  grpc::Status RunPodSandbox(grpc::ServerContext*, const pb::RunPodSandboxRequest* in,
                             pb::RunPodSandboxResponse* out) override {
    last_run_ = *in;
    if (in->runtime_handler() == "gvisor") {
      return grpc::Status(grpc::StatusCode::UNKNOWN, "failed to create containerd task: boom");
    }
    out->set_pod_sandbox_id("0123456789abcdef0123");
    return grpc::Status::OK;
  }
  grpc::Status StartContainer(grpc::ServerContext*, const pb::StartContainerRequest*,
                              pb::StartContainerResponse*) override {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "");
  }
  grpc::Status Status(grpc::ServerContext*, const pb::StatusRequest* in,
                      pb::StatusResponse* out) override {
    auto* c = out->mutable_status()->add_conditions();
    c->set_type("RuntimeReady");
    c->set_status(true);
    if (in->verbose()) {
      (*out->mutable_info())["config"] =
          R"({"containerd":{"runtimes":{"runc":{"runtimeType":"io.containerd.runc.v2"}}}})";
    }
    return grpc::Status::OK;
  }
  bool slow_ = false;
  pb::RunPodSandboxRequest last_run_;
};

class CriClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = dir_ / "cri.sock";
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix://" + socket_, grpc::InsecureServerCredentials());
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + milliseconds(100));
  }
  test::TempDir dir_{"mkata-cri"};
  std::string socket_;
  FakeRuntime fake_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(CriClientTest, VersionAndStatus) {
  auto client = CriClient::connect(socket_, milliseconds(2000));
  ASSERT_TRUE(client) << client.error().message();
  EXPECT_EQ(client->target(), "unix://" + socket_);
  auto v = client->version();
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime_name, "fake");
  EXPECT_EQ(v->runtime_version, "9.9");
  auto st = client->status();
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_TRUE(st->is("RuntimeReady"));
  EXPECT_TRUE(st->info.empty());
  auto handlers = client->loaded_runtime_handlers();
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ(*handlers, (std::map<std::string, std::string>{{"runc", "io.containerd.runc.v2"}}));
}

TEST_F(CriClientTest, RunPodSendsTheHandlerAndNamesItInErrors) {
  auto client = CriClient::connect("unix://" + socket_, milliseconds(2000));
  ASSERT_TRUE(client) << client.error().message();
  PodSpec pod;
  pod.name = "p";
  pod.namespace_name = "mkata";
  pod.runtime_handler = "runc";
  auto id = client->run_pod(pod);
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(*id, "0123456789abcdef0123");
  EXPECT_EQ(fake_.last_run_.runtime_handler(), "runc");
  EXPECT_EQ(fake_.last_run_.config().metadata().namespace_(), "mkata");
  pod.runtime_handler = "gvisor";
  EXPECT_EQ(client->run_pod(pod).error().message(),
            "CRI RunPodSandbox (handler gvisor): failed to create containerd task: boom");
}

TEST_F(CriClientTest, EmptyStatusMessageFallsBackToTheCode) {
  auto client = CriClient::connect(socket_, milliseconds(2000));
  ASSERT_TRUE(client) << client.error().message();
  EXPECT_EQ(client->start_container("0123456789abcdef").error().message(),
            "CRI StartContainer (container 0123456789ab): NOT_FOUND");
}

TEST_F(CriClientTest, UnimplementedCallIsAnErrorNotACrash) {
  auto client = CriClient::connect(socket_, milliseconds(2000));
  ASSERT_TRUE(client) << client.error().message();
  auto images = client->list_images();
  ASSERT_FALSE(images);
  EXPECT_TRUE(images.error().message().starts_with("CRI ListImages: ")) << images.error().message();
}

TEST_F(CriClientTest, EveryCallEndsByItsDeadline) {
  fake_.slow_ = true;
  auto client = CriClient::connect(socket_, milliseconds(2000));
  ASSERT_TRUE(client) << client.error().message();
  auto start = std::chrono::steady_clock::now();
  auto v = client->with_deadline(milliseconds(200)).version();
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message(), "CRI Version: no answer within 200 ms (deadline exceeded)");
  EXPECT_LT(elapsed, milliseconds(1000));
}

TEST(CriClientConnect, NobodyServingIsAClearErrorWithinTheDeadline) {
  test::TempDir dir("mkata-cri");
  std::string socket = dir / "nobody.sock";
  auto start = std::chrono::steady_clock::now();
  auto client = CriClient::connect(socket, milliseconds(300));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().message(),
            "CRI connect unix://" + socket + ": not reachable within 300 ms");
  EXPECT_LT(elapsed, milliseconds(1300));
}

}  // namespace
}  // namespace mkata::cri
