// Distribution detection through a root prefix, layouts, and the schema per containerd version.
#include "node/distribution.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::node {

TEST(Distribution, DetectsFromFilesUnderTheRoot) {
  test::TempDir root("mkata-distro");
  EXPECT_EQ(detect_distro(root.path()), Distro::kContainerd);
  ASSERT_TRUE(make_directories(root / "var/snap/microk8s/current/args"));
  ASSERT_TRUE(write_file_atomic(root / "var/snap/microk8s/current/args/containerd-template.toml",
                                "version = 2\n"));
  EXPECT_EQ(detect_distro(root.path()), Distro::kMicrok8s);
  ASSERT_TRUE(make_directories(root / "var/lib/rancher/k3s/agent/etc/containerd"));
  auto both = detect_distro(root.path());
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message(),
            "--distro auto: found more than one distribution: microk8s "
            "(/var/snap/microk8s/current/args/containerd-template.toml), k3s "
            "(/var/lib/rancher/k3s/agent/etc/containerd)");
  EXPECT_EQ(both.error().kind(), ErrorKind::kUsage);
}

TEST(Distribution, K3sUsesTheV3TemplateWhenTheGeneratedConfigIsV3) {
  test::TempDir root("mkata-distro");
  std::string dir = root / "var/lib/rancher/k3s/agent/etc/containerd";
  ASSERT_TRUE(make_directories(dir));
  auto v2 = distro_layout(Distro::kK3s, root.path(), ConfigSchema::kV2);
  EXPECT_EQ(v2.target.path, dir + "/config.toml.tmpl");
  EXPECT_EQ(v2.target.format, ConfigFormat::kGoTemplate);
  EXPECT_EQ(v2.restart, (std::vector<std::string>{"systemctl", "restart", "k3s"}));
  ASSERT_TRUE(write_file_atomic(dir + "/config.toml", "version = 3\n"));
  auto v3 = distro_layout(Distro::kK3s, root.path(), ConfigSchema::kV2);
  EXPECT_EQ(v3.target.path, dir + "/config-v3.toml.tmpl");
  EXPECT_EQ(v3.target.schema, ConfigSchema::kV3);
}

TEST(Distribution, AgentUnitsAreRestartedWhenInstalled) {
  test::TempDir root("mkata-distro");
  ASSERT_TRUE(make_directories(root / "etc/systemd/system"));
  ASSERT_TRUE(write_file_atomic(root / "etc/systemd/system/rke2-agent.service", ""));
  auto layout = distro_layout(Distro::kRke2, root.path(), ConfigSchema::kV2);
  EXPECT_EQ(layout.restart, (std::vector<std::string>{"systemctl", "restart", "rke2-agent"}));
  EXPECT_EQ(layout.address, "/run/k3s/containerd/containerd.sock");
}

TEST(Distribution, MicroK8sLayout) {
  auto layout = distro_layout(Distro::kMicrok8s, "/", ConfigSchema::kV3);
  EXPECT_EQ(layout.target.path, "/var/snap/microk8s/current/args/containerd-template.toml");
  EXPECT_EQ(layout.target.schema, ConfigSchema::kV2);
  EXPECT_EQ(layout.restart,
            (std::vector<std::string>{"snap", "restart", "microk8s.daemon-containerd"}));
  EXPECT_EQ(layout.address, "/var/snap/microk8s/common/run/containerd.sock");
}

TEST(Distribution, ParseDistroNamesTheAcceptedValues) {
  EXPECT_EQ(parse_distro("k0s"), Distro::kK0s);
  auto bad = parse_distro("minikube");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "--distro: unknown value 'minikube' (accepted: auto, containerd, microk8s, k3s, rke2, "
            "k0s)");
}

TEST(Distribution, SchemaFollowsTheContainerdMajorVersion) {
  EXPECT_EQ(schema_for_containerd_version(
                "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n"),
            ConfigSchema::kV2);
  EXPECT_EQ(schema_for_containerd_version("containerd containerd.io v2.0.4 1a43cb6a\n"),
            ConfigSchema::kV3);
  EXPECT_FALSE(schema_for_containerd_version("garbage"));
  // std::stoi threw out_of_range here (uncaught: exit 134).
  EXPECT_EQ(schema_for_containerd_version("containerd v99999999999.0").error().message(),
            "cannot read a version in `containerd --version` output: 'containerd "
            "v99999999999.0'");
}

}  // namespace mkata::node
