#include "validate/workload_spec.h"

#include <gtest/gtest.h>

namespace mkata::validate {
namespace {

TEST(WorkloadSpec, ValidationWorkloadsAndTheirCriRendering) {
  auto workloads = validation_workloads("gvisor", {{"helloworld", "mkata.local/helloworld:0.1.0"},
                                                   {"autoscale", "mkata.local/autoscale:0.1.0"}});
  ASSERT_EQ(workloads.size(), 2u);
  const auto& hello = workloads[0];
  EXPECT_EQ(hello.name, "helloworld");
  EXPECT_EQ(hello.env,
            (std::vector<std::pair<std::string, std::string>>{{"TARGET", "gVisor Containers"}}));
  EXPECT_EQ(workloads[1].check_path, "/?sleep=100&prime=10000&bloat=5");

  PodPlacement placement{"gvisor", "gvisor", "mk-node0", "/mk-node0", "/s/pods/u1", "u1"};
  auto pod = render_pod_spec(hello, placement);
  EXPECT_EQ(pod.name, "helloworld-gvisor");
  EXPECT_EQ(pod.uid, "u1");
  EXPECT_EQ(pod.runtime_handler, "gvisor");
  EXPECT_EQ(pod.cgroup_parent, "/mk-node0");
  EXPECT_EQ(pod.network, cri::NamespaceMode::kPod);
  EXPECT_EQ(pod.labels.at("mkata.dev/runtime"), "gvisor");
  EXPECT_EQ(pod.labels.at("mkata.dev/node"), "mk-node0");
  auto container = render_container_spec(hello);
  EXPECT_EQ(container.image, "mkata.local/helloworld:0.1.0");
  EXPECT_TRUE(container.command.empty());
  EXPECT_EQ(container.envs.back(), (std::pair<std::string, std::string>{"PORT", "8080"}));
  EXPECT_EQ(container.log_path, "helloworld.log");
  // Hardened like the engine containers and the kube manifests.
  EXPECT_EQ(container.run_as_user, 65532);
  EXPECT_EQ(container.run_as_group, 65532);
  EXPECT_TRUE(container.readonly_rootfs);
  EXPECT_TRUE(container.no_new_privs);
  EXPECT_EQ(container.drop_capabilities, std::vector<std::string>{"ALL"});

  EnginePlacement engine{"gvisor", "gvisor", "mkata-gvisor-helloworld-1", "r1", "", {}};
  auto c = render_engine_container(hello, engine);
  EXPECT_EQ(c.user, "65532:65532");
  EXPECT_TRUE(c.read_only_rootfs && c.no_new_privileges && c.drop_all_capabilities);
  EXPECT_EQ(c.runtime, "gvisor");
  EXPECT_EQ(c.labels.at("mkata.dev/run"), "r1");
  EXPECT_EQ(c.env.back(), (std::pair<std::string, std::string>{"PORT", "8080"}));
}

}  // namespace
}  // namespace mkata::validate
