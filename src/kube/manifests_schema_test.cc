// Every manifest `mkata manifests` prints, checked offline against the Kubernetes OpenAPI schema
// (the npm package kubernetes-models, pinned in tests/kube-schema/package-lock.json and installed
// by scripts/deps.sh), for unknown fields, and against the Pod Security "restricted" profile, by
// tests/kube-schema/validate.mjs
// under Node.js: all runtimes, with and without --image-prefix, pinned to nodes, a custom
// namespace. The validator is shown to refuse bad objects, and the YAML output is read back by a
// real YAML parser (PyYAML) and compared with the JSON. Skips with the reason when Node.js, the
// package or PyYAML is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"

namespace mkata {
namespace {

using nlohmann::json;

const std::string kMkata = binary_path("/src/cli/mkata");
const std::string kValidator = source_path("/tests/kube-schema/validate.mjs");

std::string schema_root() {
  const char* env = std::getenv("MKATA_KUBE_SCHEMA_DIR");
  return env && *env ? env : "/var/cache/mkata/kube-schema";
}

#define REQUIRE_VALIDATOR()                                                                      \
  do {                                                                                           \
    if (!path_exists(kMkata)) GTEST_SKIP() << kMkata << " is not built";                         \
    if (!find_executable("node")) GTEST_SKIP() << "node (Node.js) is not installed";             \
    if (!path_exists(schema_root() + "/node_modules/kubernetes-models/package.json")) {          \
      GTEST_SKIP() << "kubernetes-models is not installed under " << schema_root()               \
                   << " (scripts/deps.sh installs it; MKATA_KUBE_SCHEMA_DIR overrides the dir)"; \
    }                                                                                            \
  } while (0)

ProcessResult run_ok(const std::vector<std::string>& argv, const RunOptions& options = {}) {
  auto r = run(argv, options);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : ProcessResult{};
}

ProcessResult validate_json(const std::string& text) {
  RunOptions o;
  o.input = text;
  return run_ok({"node", kValidator, "--root", schema_root(), "-"}, o);
}

std::string manifests(std::vector<std::string> args) {
  args.insert(args.begin(), {kMkata, "manifests"});
  auto r = run_ok(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(KubeSchema, EveryGeneratedManifestIsValid) {
  REQUIRE_VALIDATOR();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json"},
           {"--json", "--image-prefix", "registry.example.com/mkata/"},
           {"--json", "--node", "worker-1", "--node", "ip-10-0-0-2.ec2.internal", "--pull-policy",
            "Never", "--run-id", "abc123"},
           {"--json", "--runtime", "kata", "--runtime", "gvisor", "--namespace", "review", "--node",
            std::string(50, 'n') + ".example.internal"},
       }) {
    std::string out = manifests(args);
    auto list = json::parse(out, nullptr, false);
    ASSERT_FALSE(list.is_discarded()) << out;
    ASSERT_EQ(list["kind"], "List");
    size_t n = list["items"].size();
    ASSERT_GE(n, 9u);
    auto v = validate_json(out);
    EXPECT_EQ(v.exit_code, 0) << args.back() << "\n" << v.out << v.err;
    EXPECT_EQ(v.out, "kube-schema: " + std::to_string(n) + " objects checked, 0 invalid\n");
  }
}

TEST(KubeSchema, ValidatorRefusesBadObjects) {
  REQUIRE_VALIDATOR();
  auto list = json::parse(manifests({"--json", "--runtime", "runc"}));
  auto& items = list["items"];
  ASSERT_EQ(items[1]["kind"], "Deployment");
  ASSERT_EQ(items[2]["kind"], "Service");
  items[1]["spec"]["replicas"] = "one";
  items[2]["spec"]["ports"][0]["port"] = "8080";
  items[3]["spec"]["template"]["spec"]["containers"][0]["securityContext"].erase(
      "allowPrivilegeEscalation");
  items[3]["spec"]["template"]["spec"]["securityContext"]["seccompProfile"]["type"] = "Unconfined";
  // A misspelt field: the OpenAPI schema allows unknown fields, kubectl's strict validation not.
  items[3]["spec"]["template"]["spec"]["containers"][0]["securityContext"]
       ["readOnlyRootFileSystem"] = true;
  auto v = validate_json(list.dump());
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_EQ(
      v.out,
      "FAIL Deployment/helloworld-runc: /spec/replicas must be integer {\"type\":\"integer\"}\n"
      "FAIL Service/helloworld-runc: /spec/ports/0/port must be integer {\"type\":\"integer\"}\n"
      "FAIL Deployment/autoscale-runc: /spec/template/spec/containers/0/securityContext/"
      "readOnlyRootFileSystem: unknown field\n"
      "FAIL Deployment/autoscale-runc: pod security restricted: container autoscale: "
      "allowPrivilegeEscalation must be false\n"
      "FAIL Deployment/autoscale-runc: pod security restricted: container autoscale: "
      "seccompProfile.type must be RuntimeDefault or Localhost\n"
      "kube-schema: 5 objects checked, 3 invalid\n");
  // An object of a kind it has no schema for is a failure, not a pass.
  v = validate_json(
      R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})");
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("FAIL Widget/w: no schema for apiVersion example.com/v1 kind Widget"),
            std::string::npos)
      << v.out;
  v = validate_json("not json");
  EXPECT_EQ(v.exit_code, 2) << v.out;
}

TEST(KubeSchema, YamlReadsBackAsTheJson) {
  REQUIRE_VALIDATOR();
  if (!find_executable("python3")) GTEST_SKIP() << "python3 is not installed";
  auto probe = run_ok({"python3", "-c", "import yaml"});
  if (probe.exit_code != 0) GTEST_SKIP() << "PyYAML (python3-yaml) is not installed";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"--node", "worker-1", "--image-prefix", "localhost:32000"}}) {
    auto list = json::parse(manifests([&] {
      auto a = args;
      a.push_back("--json");
      return a;
    }()));
    std::string yaml = manifests(args);
    EXPECT_EQ(yaml, manifests(args));  // deterministic
    RunOptions o;
    o.input = yaml;
    // safe_load_all: YAML 1.1 rules, the strictest about what a plain scalar means.
    auto r = run_ok({"python3", "-c",
                     "import sys, json, yaml\n"
                     "print(json.dumps([d for d in yaml.safe_load_all(sys.stdin)]))"},
                    o);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), json(list["items"])) << yaml;
  }
}

}  // namespace
}  // namespace mkata
