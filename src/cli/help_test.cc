// The real `mkata` binary's help: the top-level usage lists --version, and `mkata node <sub>
// --help` describes that subcommand, not only the node command as a whole.
#include <gtest/gtest.h>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"

namespace mkata {
namespace {

const std::string kMkata = binary_path("/src/cli/mkata");

ProcessResult mkata(std::vector<std::string> args) {
  args.insert(args.begin(), kMkata);
  auto r = run(args);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : ProcessResult{};
}

TEST(Help, UsageListsVersion) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  auto r = mkata({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\n  --version   print mkata's version\n"), std::string::npos) << r.out;
  r = mkata({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("mkata " MKATA_VERSION " (git ")) << r.out;
  // The revision of the checkout it was built from (this test runs in that checkout).
  auto head = run_checked({"git", "-C", source_path(""), "rev-parse", "--short=12", "HEAD"});
  if (head) {
    EXPECT_NE(r.out.find(trim(*head)), std::string::npos) << r.out << " vs " << *head;
  }
}

TEST(Help, NodeSubcommandsDescribeThemselves) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  struct Case {
    std::vector<std::string> args;
    std::string usage, summary;
  };
  for (const Case& c :
       std::vector<Case>{{{"node", "up", "--help"},
                          "Usage: mkata node [options] up|down|status\n\n",
                          "node up: start the embedded node in the state dir"},
                         {{"node", "--state-dir", "/tmp/x", "down", "--help"},
                          "",
                          "node down: remove the node's "
                          "pods through CRI"},
                         {{"node", "status", "-h"}, "", "node status: show whether the node"},
                         {{"node", "--help"}, "", "'mkata node up --help' describes one"}}) {
    auto r = mkata(c.args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with(c.usage)) << r.out;
    EXPECT_NE(r.out.find(c.summary), std::string::npos) << r.out;
  }
  // "up" as the value of --state-dir is not the subcommand.
  auto r = mkata({"node", "--state-dir", "up", "--help"});
  EXPECT_EQ(r.out.find("node up:"), std::string::npos) << r.out;
}

TEST(Help, ManifestsDescribesItselfAndNamesBadValues) {
  if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";
  auto r = mkata({"--help"});
  EXPECT_NE(r.out.find("\n  manifests   print the Kubernetes objects validate --target kube "
                       "applies\n"),
            std::string::npos)
      << r.out;
  r = mkata({"manifests", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("Usage: mkata manifests [options]\n")) << r.out;
  for (const char* option : {"--runtime RT", "--image-prefix PREFIX", "--pull-policy POLICY",
                             "--run-id ID", "--namespace NAME", "--node NAME", "--json"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option << "\n" << r.out;
  }
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {{"--runtime", "youki"},
            "manifests: invalid value 'youki' for --runtime (accepted: runc, crun, gvisor, kata)"},
           {{"--pull-policy", "never"},
            "manifests: invalid value 'never' for --pull-policy (accepted: Never, IfNotPresent, "
            "Always)"},
           {{"--image-prefix", "a b"},
            "manifests: image prefix 'a b': must be a registry and path such as "
            "registry.example.com/mkata/ (letters, digits, '.', '_', '-', a ':port' after the "
            "host, '/' between parts; path parts lowercase)"},
           {{"--namespace", "Review"},
            "manifests: namespace 'Review': must be a DNS-1123 label (1 to 63 lowercase letters, "
            "digits or '-', starting and ending with a letter or digit)"},
           {{"--node", "worker_1"},
            "manifests: node name 'worker_1': must be a DNS-1123 subdomain"},
           {{"--run-id", "A"}, "manifests: run id 'A': must be 1 to 48 lowercase letters"},
       }) {
    auto args = c.args;
    args.insert(args.begin(), "manifests");
    r = mkata(args);
    EXPECT_EQ(r.exit_code, 2) << c.error;
    EXPECT_TRUE(r.err.starts_with("mkata: error: " + c.error)) << r.err;
    EXPECT_NE(r.err.find("\nhint: see 'mkata manifests --help'\n"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");  // nothing half-printed
  }
}

}  // namespace
}  // namespace mkata
