// Handler tables render to the exact text containerd's own config uses, under the right plugin id
// for each schema, and parse back (toml++) to the intended values.
#include "node/runtime_handler.h"

#include <gtest/gtest.h>

#include <toml++/toml.h>

namespace mkata::node {

TEST(RuntimeHandler, KataRendersSchemaV2) {
  EXPECT_EQ(render_runtime_table(kata_handler("/opt/kata/share/defaults/kata-containers/"
                                              "configuration-qemu.toml"),
                                 ConfigSchema::kV2),
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata]\n"
            "  runtime_type = \"io.containerd.kata.v2\"\n"
            "  privileged_without_host_devices = true\n"
            "  pod_annotations = [\"io.katacontainers.*\"]\n"
            "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata.options]\n"
            "    ConfigPath = \"/opt/kata/share/defaults/kata-containers/configuration-qemu.toml\"\n");
}

TEST(RuntimeHandler, GvisorAdapterRendersSchemaV3) {
  EXPECT_EQ(render_runtime_table(gvisor_handler(false, "/usr/local/lib/mkata/mkata-runsc-adapter"),
                                 ConfigSchema::kV3),
            "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.gvisor]\n"
            "  runtime_type = \"io.containerd.runc.v2\"\n"
            "  [plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.gvisor.options]\n"
            "    BinaryName = \"/usr/local/lib/mkata/mkata-runsc-adapter\"\n");
}

TEST(RuntimeHandler, GvisorWithRunscShimHasNoOptions) {
  auto h = gvisor_handler(true, "/ignored");
  EXPECT_EQ(h.runtime_type, "io.containerd.runsc.v1");
  EXPECT_TRUE(h.options.empty());
}

TEST(RuntimeHandler, CrunAndRuncUseTheRuncShim) {
  EXPECT_EQ(crun_handler().runtime_type, "io.containerd.runc.v2");
  EXPECT_EQ(crun_handler().option("BinaryName"), "crun");
  EXPECT_EQ(crun_handler("crun", "/usr/local/lib/mkata/mkata-crun-adapter").option("BinaryName"),
            "/usr/local/lib/mkata/mkata-crun-adapter");
  EXPECT_FALSE(runc_handler().option("BinaryName"));
}

TEST(RuntimeHandler, RenderedTableParsesBackWithAllOptions) {
  RuntimeHandler h = runc_handler("my.runc", "/usr/sbin/runc");
  h.options.push_back({"Root", "/run/x \"quoted\""});
  h.options.push_back({"SystemdCgroup", false});
  auto table = toml::parse(render_runtime_table(h, ConfigSchema::kV2));
  auto runtime = table["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["my.runc"];
  EXPECT_EQ(runtime["runtime_type"].value<std::string>(), "io.containerd.runc.v2");
  EXPECT_EQ(runtime["options"]["BinaryName"].value<std::string>(), "/usr/sbin/runc");
  EXPECT_EQ(runtime["options"]["Root"].value<std::string>(), "/run/x \"quoted\"");
  EXPECT_EQ(runtime["options"]["SystemdCgroup"].value<bool>(), false);
}

TEST(RuntimeHandler, ValidateRejectsBadNames) {
  EXPECT_TRUE(validate_handler(kata_handler()));
  auto bad = validate_handler(runc_handler("a b"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "invalid runtime handler name 'a b' (accepted: 1 to 63 characters of A-Z a-z 0-9 _ . -)");
  EXPECT_EQ(bad.error().kind(), ErrorKind::kUsage);
}

TEST(RuntimeHandler, TomlQuoteEscapes) {
  EXPECT_EQ(toml_quote("a\\b\"c\n\x01"), "\"a\\\\b\\\"c\\n\\u0001\"");
}

}  // namespace mkata::node
