#include "kube/kube_client.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/process.h"

namespace mkata::kube {
namespace {

TEST(Kubectl, ArgvCarriesKubeconfigAndContextFirst) {
  KubectlOptions o;
  EXPECT_EQ(kubectl_argv(o, {"get", "nodes", "-o", "json"}),
            (std::vector<std::string>{"kubectl", "get", "nodes", "-o", "json"}));
  o.program = {"microk8s", "kubectl"};
  o.kubeconfig = "/root/.kube/lab";
  o.context = "lab-admin";
  EXPECT_EQ(kubectl_argv(o, {"version", "-o", "json"}),
            (std::vector<std::string>{"microk8s", "kubectl", "--kubeconfig", "/root/.kube/lab",
                                      "--context", "lab-admin", "version", "-o", "json"}));
}

TEST(Kubectl, ForwardedPortFromItsFirstLine) {
  EXPECT_EQ(parse_forwarded_port("Forwarding from 127.0.0.1:40613 -> 8080\n"), 40613);
  EXPECT_EQ(parse_forwarded_port("Forwarding from 127.0.0.1:40613 -> 8080\n"
                                 "Forwarding from [::1]:40613 -> 8080\n"),
            40613);
  EXPECT_FALSE(parse_forwarded_port("error: unable to forward port because pod is not running"));
  EXPECT_FALSE(parse_forwarded_port("Forwarding from 127.0.0.1:x -> 8080"));
  EXPECT_FALSE(parse_forwarded_port("Forwarding from 127.0.0.1:70000 -> 8080"));
}

// The real kubectl (when installed) against a kubeconfig whose server is a closed loopback
// port: every call is an error value that names the call, never a hang or a crash.
TEST(Kubectl, AnUnreachableClusterIsAnErrorNamingTheCall) {
  if (!find_executable("kubectl")) GTEST_SKIP() << "kubectl is not installed";
  char dir_template[] = "/tmp/mkata-kubectl-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  std::string config = dir + "/config";
  ASSERT_TRUE(write_file_atomic(config,
                                "apiVersion: v1\nkind: Config\nclusters:\n- name: closed\n"
                                "  cluster:\n    server: https://127.0.0.1:1\n"
                                "contexts:\n- name: closed\n  context:\n    cluster: closed\n"
                                "    user: nobody\ncurrent-context: closed\nusers:\n"
                                "- name: nobody\n  user:\n    token: none\n"));
  KubectlOptions o;
  o.kubeconfig = config;
  o.timeout = std::chrono::seconds(20);
  KubectlClient client(o);
  auto version = client.version_json();
  ASSERT_FALSE(version);
  EXPECT_TRUE(version.error().message().starts_with("kubectl version: exit 1: "))
      << version.error().message();
  auto nodes = client.get_json("nodes", "", "");
  ASSERT_FALSE(nodes);
  EXPECT_TRUE(nodes.error().message().starts_with("kubectl get: exit 1: "))
      << nodes.error().message();
  EXPECT_NE(nodes.error().message().find("127.0.0.1:1"), std::string::npos)
      << nodes.error().message();
  (void)run({"rm", "-rf", dir});
}

}  // namespace
}  // namespace mkata::kube
