// The YAML printer: exact text for small objects, quoting of everything a YAML 1.1 reader could
// misread, and determinism. (The round trip of every generated manifest through a real YAML
// parser is in manifests_schema_test.cc.)
#include "kube/yaml_text.h"

#include <gtest/gtest.h>

namespace mkata::kube {
namespace {

using nlohmann::ordered_json;

TEST(YamlText, NestedMapsAndSequencesExactly) {
  auto v = ordered_json::parse(R"({
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "helloworld-runc", "labels": {"app.kubernetes.io/name": "helloworld"}},
    "spec": {"ports": [{"name": "http", "port": 8080, "targetPort": "http"}],
             "drop": ["ALL"], "nested": [[1, 2], []], "empty": {}, "on": true, "none": null}})");
  EXPECT_EQ(yaml_document(v),
            "apiVersion: v1\n"
            "kind: Service\n"
            "metadata:\n"
            "  name: helloworld-runc\n"
            "  labels:\n"
            "    app.kubernetes.io/name: helloworld\n"
            "spec:\n"
            "  ports:\n"
            "    - name: http\n"
            "      port: 8080\n"
            "      targetPort: http\n"
            "  drop:\n"
            "    - ALL\n"
            "  nested:\n"
            "    - - 1\n"
            "      - 2\n"
            "    - []\n"
            "  empty: {}\n"
            "  \"on\": true\n"
            "  none: null\n");
}

TEST(YamlText, QuotesWhatAReaderCouldMisread) {
  struct Case {
    std::string value, yaml;
  };
  for (const Case& c : std::vector<Case>{
           {"plain", "plain"},
           {"mkata.local/helloworld:0.1.0", "mkata.local/helloworld:0.1.0"},
           {"/healthz", "/healthz"},
           {"320Mi", "\"320Mi\""},  // starts with a digit
           {"1", "\"1\""},
           {"8080", "\"8080\""},
           {"1e3", "\"1e3\""},
           {".5", "\".5\""},
           {"-1", "\"-1\""},
           {"yes", "\"yes\""},
           {"No", "\"No\""},
           {"y", "\"y\""},
           {"off", "\"off\""},
           {"null", "\"null\""},
           {"TRUE", "\"TRUE\""},
           {"", "\"\""},
           {"gVisor Containers", "\"gVisor Containers\""},
           {"a: b", "\"a: b\""},
           {"key:", "\"key:\""},
           {"x #y", "\"x #y\""},
           {"*ref", "\"*ref\""},
           {"line\nbreak\t\"q\"\\", "\"line\\nbreak\\t\\\"q\\\"\\\\\""},
       }) {
    EXPECT_EQ(yaml_document(ordered_json{{"k", c.value}}), "k: " + c.yaml + "\n") << c.value;
  }
  // Invalid UTF-8 is replaced, never a throw.
  EXPECT_EQ(yaml_document(ordered_json{{"k", std::string("a\xff")}}), "k: \"a\xef\xbf\xbd\"\n");
}

TEST(YamlText, MultiDocumentAndDeterministic) {
  std::vector<ordered_json> objects = {{{"kind", "Namespace"}}, {{"kind", "Service"}}};
  EXPECT_EQ(to_yaml(objects), "---\nkind: Namespace\n---\nkind: Service\n");
  EXPECT_EQ(to_yaml(objects), to_yaml(objects));
  EXPECT_EQ(to_yaml({}), "");
  EXPECT_EQ(yaml_document(ordered_json("x")), "x\n");
  EXPECT_EQ(yaml_document(ordered_json::array({ordered_json::object({{"a", 1}, {"b", 2}})})),
            "- a: 1\n  b: 2\n");
}

}  // namespace
}  // namespace mkata::kube
