// RuntimeClass manifests: exact YAML, defaults per runtime, overrides and their errors.
#include "node/runtime_class.h"

#include <gtest/gtest.h>

namespace mkata::node {

TEST(RuntimeClass, RendersKataWithKataDeployOverheadAndRuncWithout) {
  EXPECT_EQ(render_runtime_classes({{"kata", "kata", default_overhead("kata")},
                                    {"runc", "runc", default_overhead("runc")}}),
            "apiVersion: node.k8s.io/v1\n"
            "kind: RuntimeClass\n"
            "metadata:\n"
            "  name: kata\n"
            "  labels:\n"
            "    app.kubernetes.io/managed-by: mkata\n"
            "handler: kata\n"
            "overhead:\n"
            "  podFixed:\n"
            "    memory: \"320Mi\"\n"
            "    cpu: \"250m\"\n"
            "---\n"
            "apiVersion: node.k8s.io/v1\n"
            "kind: RuntimeClass\n"
            "metadata:\n"
            "  name: runc\n"
            "  labels:\n"
            "    app.kubernetes.io/managed-by: mkata\n"
            "handler: runc\n");
}

TEST(RuntimeClass, GvisorDefaultCoversTheMeasuredSentryCost) {
  auto o = default_overhead("gvisor");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->memory, "64Mi");
  EXPECT_EQ(o->cpu, "100m");
  EXPECT_FALSE(default_overhead("crun"));
}

TEST(RuntimeClass, OverheadOverrides) {
  auto v = parse_overhead("kata=256Mi,500m");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->first, "kata");
  EXPECT_EQ(v->second->memory, "256Mi");
  EXPECT_EQ(v->second->cpu, "500m");
  auto none = parse_overhead("gvisor=none");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->second);
  auto bad = parse_overhead("kata=lots");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "--overhead: invalid value 'kata=lots' (accepted: RUNTIME=MEMORY,CPU such as "
            "kata=320Mi,250m, or RUNTIME=none)");
}

}  // namespace mkata::node
