// The struct <-> proto mapping, field by field: what kubelet would put on the wire is what mkata
// puts there, and unknown enum values from a newer runtime land on safe defaults.
#include "cri/cri_mapping.h"

#include <gtest/gtest.h>

#include "cri/cri_client.h"

namespace mkata::cri {
namespace {

TEST(CriMapping, PodSpecToPodSandboxConfig) {
  PodSpec pod;
  pod.name = "hello";
  pod.uid = "u-1";
  pod.namespace_name = "mkata";
  pod.attempt = 2;
  pod.hostname = "hello-host";
  pod.log_directory = "/tmp/logs";
  pod.dns_servers = {"10.0.0.1"};
  pod.port_mappings = {{Protocol::kUdp, 8080, 18080, "127.0.0.1"}};
  pod.labels = {{"app", "hello"}};
  pod.annotations = {{"a", "b"}};
  pod.cgroup_parent = "/mkata";
  pod.network = NamespaceMode::kNode;
  pod.pid = NamespaceMode::kContainer;
  auto config = to_proto(pod);
  EXPECT_EQ(config.metadata().name(), "hello");
  EXPECT_EQ(config.metadata().uid(), "u-1");
  EXPECT_EQ(config.metadata().namespace_(), "mkata");
  EXPECT_EQ(config.metadata().attempt(), 2u);
  EXPECT_EQ(config.hostname(), "hello-host");
  EXPECT_EQ(config.log_directory(), "/tmp/logs");
  ASSERT_EQ(config.dns_config().servers_size(), 1);
  EXPECT_EQ(config.dns_config().servers(0), "10.0.0.1");
  ASSERT_EQ(config.port_mappings_size(), 1);
  EXPECT_EQ(config.port_mappings(0).protocol(), runtime::v1::UDP);
  EXPECT_EQ(config.port_mappings(0).container_port(), 8080);
  EXPECT_EQ(config.port_mappings(0).host_port(), 18080);
  EXPECT_EQ(config.port_mappings(0).host_ip(), "127.0.0.1");
  EXPECT_EQ(config.labels().at("app"), "hello");
  EXPECT_EQ(config.annotations().at("a"), "b");
  EXPECT_EQ(config.linux().cgroup_parent(), "/mkata");
  const auto& ns = config.linux().security_context().namespace_options();
  EXPECT_EQ(ns.network(), runtime::v1::NODE);
  EXPECT_EQ(ns.pid(), runtime::v1::CONTAINER);
  EXPECT_EQ(ns.ipc(), runtime::v1::POD);
}

TEST(CriMapping, NoDnsConfigWhenNoneGiven) { EXPECT_FALSE(to_proto(PodSpec{}).has_dns_config()); }

TEST(CriMapping, ContainerSpecToContainerConfig) {
  ContainerSpec c;
  c.name = "web";
  c.image = "docker.io/mkata/helloworld:1";
  c.command = {"/hello"};
  c.args = {"--x"};
  c.working_dir = "/";
  c.envs = {{"TARGET", "runc Containers"}, {"PORT", "8080"}};
  c.log_path = "web.log";
  c.resources.memory_limit_in_bytes = 64 << 20;
  c.run_as_user = 65532;
  auto config = to_proto(c);
  EXPECT_EQ(config.metadata().name(), "web");
  EXPECT_EQ(config.image().image(), "docker.io/mkata/helloworld:1");
  ASSERT_EQ(config.command_size(), 1);
  EXPECT_EQ(config.command(0), "/hello");
  EXPECT_EQ(config.args(0), "--x");
  ASSERT_EQ(config.envs_size(), 2);
  EXPECT_EQ(config.envs(0).key(), "TARGET");
  EXPECT_EQ(config.envs(0).value(), "runc Containers");
  EXPECT_EQ(config.envs(1).key(), "PORT");
  EXPECT_EQ(config.log_path(), "web.log");
  EXPECT_EQ(config.linux().resources().memory_limit_in_bytes(), 64 << 20);
  ASSERT_TRUE(config.linux().security_context().has_run_as_user());
  EXPECT_EQ(config.linux().security_context().run_as_user().value(), 65532);
  EXPECT_FALSE(config.linux().security_context().has_run_as_group());
  EXPECT_FALSE(config.linux().security_context().has_capabilities());
  c.readonly_rootfs = true;
  c.no_new_privs = true;
  c.drop_capabilities = {"ALL"};
  auto hardened = to_proto(c).linux().security_context();
  EXPECT_TRUE(hardened.readonly_rootfs());
  EXPECT_TRUE(hardened.no_new_privs());
  ASSERT_EQ(hardened.capabilities().drop_capabilities_size(), 1);
  EXPECT_EQ(hardened.capabilities().drop_capabilities(0), "ALL");
}

TEST(CriMapping, ContainerStatusFromProto) {
  runtime::v1::ContainerStatusResponse response;
  auto* s = response.mutable_status();
  s->set_id("abc");
  s->mutable_metadata()->set_name("web");
  s->set_state(runtime::v1::CONTAINER_EXITED);
  s->set_exit_code(3);
  s->set_reason("Error");
  (*response.mutable_info())["info"] = "{\"pid\":42}";
  auto status = from_proto(response);
  EXPECT_EQ(status.id, "abc");
  EXPECT_EQ(status.name, "web");
  EXPECT_EQ(status.state, ContainerState::kExited);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.reason, "Error");
  EXPECT_EQ(status.info.at("info"), "{\"pid\":42}");
  // A state number this proto does not know (a newer runtime) is UNKNOWN, never a crash.
  s->set_state(static_cast<runtime::v1::ContainerState>(7));
  EXPECT_EQ(from_proto(response).state, ContainerState::kUnknown);
  EXPECT_STREQ(to_string(ContainerState::kRunning), "CONTAINER_RUNNING");
}

TEST(CriMapping, PodStatusFromProto) {
  runtime::v1::PodSandboxStatusResponse response;
  auto* s = response.mutable_status();
  s->set_id("pod1");
  s->mutable_metadata()->set_namespace_("mkata");
  s->set_state(runtime::v1::SANDBOX_READY);
  s->mutable_network()->set_ip("100.64.13.5");
  s->set_runtime_handler("gvisor");
  auto status = from_proto(response);
  EXPECT_EQ(status.namespace_name, "mkata");
  EXPECT_EQ(status.state, PodState::kReady);
  EXPECT_EQ(status.ip, "100.64.13.5");
  EXPECT_EQ(status.runtime_handler, "gvisor");
}

TEST(CriMapping, RuntimeStatusConditions) {
  runtime::v1::StatusResponse response;
  auto* c = response.mutable_status()->add_conditions();
  c->set_type("RuntimeReady");
  c->set_status(true);
  auto* n = response.mutable_status()->add_conditions();
  n->set_type("NetworkReady");
  n->set_reason("NetworkPluginNotReady");
  auto status = from_proto(response);
  EXPECT_TRUE(status.is("RuntimeReady"));
  EXPECT_FALSE(status.is("NetworkReady"));
  ASSERT_NE(status.condition("NetworkReady"), nullptr);
  EXPECT_EQ(status.condition("NetworkReady")->reason, "NetworkPluginNotReady");
  EXPECT_EQ(status.condition("Nope"), nullptr);
}

TEST(CriRuntimeHandlers, ParsesContainerdsLoadedConfig) {
  auto handlers = parse_runtime_handlers(R"({"containerd":{"defaultRuntimeName":"runc",
      "runtimes":{"runc":{"runtimeType":"io.containerd.runc.v2","options":{"BinaryName":"runc"}},
                  "gvisor":{"runtimeType":"io.containerd.runc.v2"},
                  "odd":{}}}})");
  ASSERT_TRUE(handlers) << handlers.error().message();
  EXPECT_EQ(handlers->size(), 3u);
  EXPECT_EQ(handlers->at("runc"), "io.containerd.runc.v2");
  EXPECT_EQ(handlers->at("gvisor"), "io.containerd.runc.v2");
  EXPECT_EQ(handlers->at("odd"), "");
}

TEST(CriRuntimeHandlers, DetailsKeepTheOptions) {
  auto handlers = parse_runtime_handler_details(R"({"containerd":{"runtimes":{
      "gvisor":{"runtimeType":"io.containerd.runc.v2",
                "options":{"BinaryName":"/x/mkata-runsc-adapter","SystemdCgroup":false}}}}})");
  ASSERT_TRUE(handlers) << handlers.error().message();
  const auto& gvisor = handlers->at("gvisor");
  EXPECT_EQ(gvisor.runtime_type, "io.containerd.runc.v2");
  EXPECT_EQ(gvisor.options,
            (StringMap{{"BinaryName", "/x/mkata-runsc-adapter"}, {"SystemdCgroup", "false"}}));
}

TEST(CriRuntimeHandlers, RejectsWhatIsNotALoadedConfig) {
  EXPECT_EQ(parse_runtime_handlers("{nope").error().message(),
            "loaded CRI config: not a JSON object");
  EXPECT_EQ(parse_runtime_handlers("[]").error().message(), "loaded CRI config: not a JSON object");
  EXPECT_EQ(parse_runtime_handlers("{}").error().message(),
            "loaded CRI config: no \"containerd\" object");
  EXPECT_EQ(parse_runtime_handlers(R"({"containerd":{"runtimes":[]}})").error().message(),
            "loaded CRI config: no \"containerd.runtimes\" object");
}

}  // namespace
}  // namespace mkata::cri
