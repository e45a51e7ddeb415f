// The acceptance round trips on every fixture: install then uninstall gives the original bytes,
// install twice equals install once, a user's edit outside the block survives uninstall, and the
// installed file parses to the intended handlers under the right plugin id.
#include "node/containerd_config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/build_paths.h"
#include "core/files.h"
#include "core/process.h"
#include "node/managed_block.h"
#include "node/toml_text.h"

namespace mkata::node {
namespace {

const std::string kTestdata = source_path("/src/node/testdata/");
const std::string kMicrok8s = source_path("/../shared/fixtures/microk8s/");

struct Fixture {
  std::string name;
  std::optional<std::string> text;  // nullopt: the file does not exist
  ConfigTarget target;
};

ConfigTarget at(const std::string& path) {
  ConfigTarget target;
  target.path = path;
  return target;
}

std::vector<RuntimeHandler> all_handlers() {
  return {kata_handler("/opt/kata/share/defaults/kata-containers/configuration-qemu.toml"),
          gvisor_handler(false, "/usr/local/lib/mkata/mkata-runsc-adapter"),
          crun_handler("crun", "/usr/local/lib/mkata/mkata-crun-adapter")};
}

std::vector<std::string> names_of(const std::vector<RuntimeHandler>& handlers) {
  std::vector<std::string> names;
  for (const auto& h : handlers) names.push_back(h.name);
  return names;
}

std::string must_read(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << text.error().message();
  return text.value_or("");
}

Fixture toml_fixture(const std::string& name, std::optional<std::string> text,
                     ConfigSchema fallback = ConfigSchema::kV2) {
  ConfigTarget target;
  target.path = "/etc/containerd/" + name;
  target.schema = fallback;
  return {name, std::move(text), target};
}

Fixture template_fixture(const std::string& file, ConfigSchema schema) {
  ConfigTarget target;
  target.path = "/var/lib/rancher/k3s/agent/etc/containerd/" + file;
  target.format = ConfigFormat::kGoTemplate;
  target.schema = schema;
  target.template_header = "{{ template \"base\" . }}";
  return {file, must_read(kTestdata + "k3s-" + file), target};
}

std::vector<Fixture> fixtures() {
  std::vector<Fixture> all = {
      toml_fixture("containerd-1.6-default.toml",
                   must_read(kTestdata + "containerd-1.6-default.toml")),
      toml_fixture("containerd-2.0-config.toml",
                   must_read(kTestdata + "containerd-2.0-config.toml")),
      toml_fixture("absent.toml", std::nullopt),
      toml_fixture("absent-v3.toml", std::nullopt, ConfigSchema::kV3),
      toml_fixture("empty.toml", std::string()),
      toml_fixture("comment-only-no-newline.toml", std::string("# nothing here yet")),
      toml_fixture("no-final-newline.toml", std::string("version = 2\n[grpc]\n  uid = 0")),
      template_fixture("config.toml.tmpl", ConfigSchema::kV2),
      template_fixture("config-v3.toml.tmpl", ConfigSchema::kV3),
  };
  for (const char* name : {"containerd-template.toml", "containerd-template.2020-08.toml"}) {
    if (path_exists(kMicrok8s + name))
      all.push_back(toml_fixture(name, must_read(kMicrok8s + name)));
  }
  if (find_executable("containerd")) {
    auto out = run_checked({"containerd", "config", "default"});
    if (out) all.push_back(toml_fixture("generated containerd config default", *out));
  }
  return all;
}

// Applies a planned edit to an in-memory "file".
std::optional<std::string> after_of(const ConfigEdit& edit) {
  if (edit.delete_file) return std::nullopt;
  if (!edit.existed && edit.after.empty()) return std::nullopt;
  return edit.after;
}

TEST(ContainerdConfig, MicroK8sFixturesArePresent) {
  if (!path_exists(kMicrok8s))
    GTEST_SKIP() << kMicrok8s << " is absent (CI clones shared/ beside the repo)";
  EXPECT_TRUE(path_exists(kMicrok8s + "containerd-template.toml"));
}

TEST(ContainerdConfig, RoundTripOnEveryFixture) {
  for (const auto& f : fixtures()) {
    SCOPED_TRACE(f.name);
    auto installed = plan_install(f.target, f.text, all_handlers());
    ASSERT_TRUE(installed) << installed.error().message();
    ASSERT_TRUE(installed->changed());
    auto once = after_of(*installed);
    ASSERT_TRUE(once);

    // The result parses and carries each handler under the schema's plugin id.
    auto table = parse_toml_text(*once, f.name, f.target.format == ConfigFormat::kGoTemplate);
    ASSERT_TRUE(table) << table.error().message();
    for (const auto& h : all_handlers()) {
      EXPECT_EQ(find_runtime_type(*table, installed->schema, h.name), h.runtime_type) << h.name;
    }
    // Every byte of the original is still there, in order, before the blocks.
    EXPECT_EQ(strip_blocks(*once), f.text.value_or(""));

    auto twice = plan_install(f.target, once, all_handlers());
    ASSERT_TRUE(twice) << twice.error().message();
    EXPECT_FALSE(twice->changed()) << *once << "\n---\n" << twice->after;

    auto removed = plan_uninstall(f.target, once, names_of(all_handlers()));
    ASSERT_TRUE(removed) << removed.error().message();
    EXPECT_EQ(after_of(*removed), f.text);
  }
}

TEST(ContainerdConfig, UserEditOutsideTheBlockSurvivesUninstall) {
  for (const auto& f : fixtures()) {
    SCOPED_TRACE(f.name);
    auto installed = plan_install(f.target, f.text, all_handlers());
    ASSERT_TRUE(installed) << installed.error().message();
    const std::string edit = "# the user's own note, added after mkata install\n";
    // An editor adds the missing final newline before the user's line.
    std::string edited = installed->after;
    if (!edited.ends_with("\n")) edited += "\n";
    edited += edit;
    auto removed = plan_uninstall(f.target, edited, names_of(all_handlers()));
    ASSERT_TRUE(removed) << removed.error().message();
    ASSERT_FALSE(removed->delete_file);
    EXPECT_NE(removed->after.find(edit), std::string::npos);
    EXPECT_EQ(block_labels(removed->after), std::vector<std::string>{});
  }
}

TEST(ContainerdConfig, SchemaComesFromTheVersionLine) {
  auto v3 =
      plan_install(toml_fixture("x", "version = 3\n").target, "version = 3\n", {kata_handler()});
  ASSERT_TRUE(v3) << v3.error().message();
  EXPECT_EQ(v3->schema, ConfigSchema::kV3);
  EXPECT_EQ(
      v3->after,
      "version = 3\n"
      "# BEGIN mkata default runtime (added by mkata: containerd needs its default runtime "
      "listed once any runtime is; removed with the last mkata runtime)\n"
      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n"
      "# END mkata default runtime\n"
      "# BEGIN mkata runtime kata (managed by mkata; remove with: mkata uninstall --runtime kata)\n"
      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.kata]\n"
      "  runtime_type = \"io.containerd.kata.v2\"\n"
      "  privileged_without_host_devices = true\n"
      "  pod_annotations = [\"io.katacontainers.*\"]\n"
      "# END mkata runtime kata\n");
}

TEST(ContainerdConfig, AbsentFileGetsACreatedHeaderAndIsDeletedOnUninstall) {
  ConfigTarget target = at("/etc/containerd/config.toml");
  auto installed = plan_install(target, std::nullopt, {runc_handler("runc")});
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_TRUE(installed->after.starts_with(
      "# BEGIN mkata config header (created by mkata; deleted with the last mkata runtime)\n"
      "version = 2\n# END mkata config header\n"));
  auto removed = plan_uninstall(target, installed->after, {"runc"});
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->delete_file);
}

TEST(ContainerdConfig, PartialUninstallKeepsTheOtherRuntimesAndTheHeader) {
  ConfigTarget target = at("/etc/containerd/config.toml");
  auto installed = plan_install(target, std::nullopt, all_handlers());
  ASSERT_TRUE(installed);
  auto removed = plan_uninstall(target, installed->after, {"kata"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(block_labels(removed->after),
            (std::vector<std::string>{"config header", "default runtime", "runtime gvisor",
                                      "runtime crun"}));
  auto table = parse_toml_text(removed->after, "x");
  ASSERT_TRUE(table);
  EXPECT_EQ(find_runtime_type(*table, ConfigSchema::kV2, "kata"), std::nullopt);
  EXPECT_EQ(find_runtime_type(*table, ConfigSchema::kV2, "gvisor"), "io.containerd.runc.v2");
}

// Found by the integration test: containerd 1.6 refuses to load CRI when a file lists runtimes but
// not its default_runtime_name. An explicit runc replaces mkata's default block, and the block
// comes back when runc is uninstalled while others stay.
TEST(ContainerdConfig, DefaultRuntimeStaysListedWhileMkataListsRuntimes) {
  ConfigTarget target = at("/c.toml");
  std::string original = "version = 2\n";
  auto kata = plan_install(target, original, {kata_handler()});
  ASSERT_TRUE(kata);
  EXPECT_EQ(block_labels(kata->after),
            (std::vector<std::string>{"default runtime", "runtime kata"}));
  auto with_runc = plan_install(target, kata->after, {runc_handler()});
  ASSERT_TRUE(with_runc) << with_runc.error().message();
  EXPECT_EQ(block_labels(with_runc->after),
            (std::vector<std::string>{"runtime kata", "runtime runc"}));
  auto without_runc = plan_uninstall(target, with_runc->after, {"runc"});
  ASSERT_TRUE(without_runc);
  EXPECT_EQ(without_runc->after, kata->after);
  auto none = plan_uninstall(target, without_runc->after, {"kata"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->after, original);
  // A file whose default runtime is another handler it defines needs no block.
  std::string own =
      "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  default_runtime_name = "
      "\"mine\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.mine]\n  runtime_type "
      "= "
      "\"io.containerd.runc.v2\"\n";
  auto mine = plan_install(target, own, {kata_handler()});
  ASSERT_TRUE(mine);
  EXPECT_EQ(block_labels(mine->after), std::vector<std::string>{"runtime kata"});
}

TEST(ContainerdConfig, ChangedOptionsUpdateTheBlockInPlace) {
  ConfigTarget target = at("/etc/containerd/config.toml");
  std::string original = "version = 2\n";
  auto first = plan_install(target, original, {kata_handler()});
  ASSERT_TRUE(first);
  std::string with_tail = first->after + "# user tail\n";
  auto second = plan_install(target, with_tail, {kata_handler("/etc/kata/configuration.toml")});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->notes.back(), "kata: updated in /etc/containerd/config.toml");
  EXPECT_TRUE(second->after.ends_with("# END mkata runtime kata\n# user tail\n"));
  EXPECT_NE(second->after.find("ConfigPath = \"/etc/kata/configuration.toml\""), std::string::npos);
}

TEST(ContainerdConfig, MicroK8sStockKataIsLeftAsIsAndNotDuplicated) {
  if (!path_exists(kMicrok8s)) GTEST_SKIP() << kMicrok8s << " is absent";
  std::string stock = must_read(kMicrok8s + "containerd-template.toml");
  ConfigTarget target = at("/var/snap/microk8s/current/args/containerd-template.toml");
  auto installed = plan_install(target, stock, {kata_handler(), gvisor_handler(false, "/a")});
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(installed->notes[0],
            "kata: already defined in /var/snap/microk8s/current/args/containerd-template.toml "
            "outside mkata's blocks (runtime_type \"io.containerd.kata.v2\"); left as is");
  EXPECT_EQ(block_labels(installed->after), std::vector<std::string>{"runtime gvisor"});
  auto with_config = plan_install(target, stock, {kata_handler("/etc/kata/qemu.toml")});
  ASSERT_TRUE(with_config);
  EXPECT_EQ(with_config->notes[1],
            "warning: kata: not applied to that table (it is not mkata's): options.ConfigPath = "
            "\"/etc/kata/qemu.toml\"; set them in "
            "/var/snap/microk8s/current/args/containerd-template.toml yourself if you need them");
  // The snap's configure hook looks for this string; it must stay.
  EXPECT_NE(installed->after.find("io.containerd.kata.v2"), std::string::npos);
  auto removed = plan_uninstall(target, installed->after, {"kata", "gvisor"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->after, stock);
  EXPECT_EQ(removed->notes[0],
            "kata: defined in /var/snap/microk8s/current/args/containerd-template.toml outside "
            "mkata's blocks (not added by mkata); left as is");
}

TEST(ContainerdConfig, K3sBaseTemplateKeepsItsOwnRunc) {
  Fixture f = template_fixture("config.toml.tmpl", ConfigSchema::kV2);
  auto installed = plan_install(f.target, f.text, {runc_handler(), kata_handler()});
  ASSERT_TRUE(installed) << installed.error().message();
  EXPECT_EQ(installed->notes[0],
            "runc: defined by the base template of " + f.target.path + "; left as is");
  EXPECT_EQ(block_labels(installed->after), std::vector<std::string>{"runtime kata"});
}

TEST(ContainerdConfig, ConflictingHandlerIsAnErrorNamingBothTypes) {
  std::string text =
      "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n";
  auto r = plan_install(at("/c.toml"), text, {kata_handler()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "/c.toml already defines the runtime handler 'kata' with runtime_type "
            "\"io.containerd.runc.v2\" (mkata's is \"io.containerd.kata.v2\")");
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
}

TEST(ContainerdConfig, BadInputIsAOneLineUsageError) {
  auto malformed = plan_install(at("/c.toml"), "version = 2\n[grpc\n", {kata_handler()});
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().message(),
            "/c.toml is not valid TOML: Error while parsing table header: expected ']', saw "
            "'\\n' (line 2, column 6)");
  auto v1 = plan_install(at("/c.toml"), "[plugins.cri]\n  x = 1\n", {kata_handler()});
  ASSERT_FALSE(v1);
  EXPECT_EQ(v1.error().message(),
            "/c.toml has no 'version = 2' or 'version = 3' line: containerd reads it as the old "
            "schema v1, where runtime tables are ignored");
  auto v9 = plan_install(at("/c.toml"), "version = 9\n", {kata_handler()});
  ASSERT_FALSE(v9);
  EXPECT_EQ(
      v9.error().message(),
      "/c.toml has config version = 9 (accepted: 2 for containerd 1.x, 3 for containerd 2.x)");
}

TEST(ContainerdConfig, DottedRuntimesThatWouldCollideAreRefusedBeforeWriting) {
  std::string text =
      "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
      "  runtimes = { runc = { runtime_type = \"io.containerd.runc.v2\" } }\n";
  auto r = plan_install(at("/c.toml"), text, {kata_handler()});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message().starts_with(
      "adding mkata's runtime tables would make /c.toml invalid (/c.toml is not valid TOML: "))
      << r.error().message();
}

TEST(ContainerdConfig, WarnsAboutRuntimesUnderTheOtherSchemasPluginId) {
  std::string text =
      "version = 3\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.old]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n";
  auto r = plan_install(at("/c.toml"), text, {kata_handler()});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->notes[0],
            "warning: /c.toml uses config schema v3 but defines runtimes (old) under the plugin id "
            "\"io.containerd.grpc.v1.cri\", which containerd ignores; move them under "
            "\"io.containerd.cri.v1.runtime\"");
}

TEST(ContainerdConfig, BrokenMarkersAreReported) {
  std::string text = "version = 2\n# BEGIN mkata runtime kata (x)\n";
  auto r = plan_install(at("/c.toml"), text, {kata_handler()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "/c.toml: the mkata block 'runtime kata' has a BEGIN line (line 2) but no '# END mkata "
            "runtime kata' line; restore it or delete the block by hand");
}

TEST(ContainerdConfig, UninstallKeepsTheVersionLineWhenTheUserAddedTables) {
  ConfigTarget target = at("/etc/containerd/config.toml");
  auto installed = plan_install(target, std::nullopt, {kata_handler()});
  ASSERT_TRUE(installed) << installed.error().message();
  const std::string users = "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"p\"\n";
  auto removed = plan_uninstall(target, installed->after + users, {"kata"});
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_FALSE(removed->delete_file);
  // Without `version = 2` containerd 1.x would read the user's table as schema v1.
  EXPECT_EQ(removed->after, "version = 2\n" + users);
  auto again = plan_install(target, removed->after, {kata_handler()});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(block_labels(again->after),
            (std::vector<std::string>{"default runtime", "runtime kata"}));
}

TEST(ContainerdConfig, CrlfConfigsRoundTripAndKeepCrlf) {
  ConfigTarget target = at("/etc/containerd/config.toml");
  const std::string original = "version = 2\r\n# a file from Windows\r\n";
  auto installed = plan_install(target, original, {kata_handler()});
  ASSERT_TRUE(installed) << installed.error().message();
  std::string added = installed->after.substr(original.size());
  EXPECT_EQ(added.find("\n"), added.find("\r\n") + 1);
  auto twice = plan_install(target, installed->after, {kata_handler()});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->after, installed->after);
  auto removed = plan_uninstall(target, installed->after, {"kata"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->after, original);
}

TEST(ContainerdConfig, TheMarkerNamesTheExactUninstallCommand) {
  ConfigTarget target = at("/srv/my containerd.toml");
  target.uninstall_flags = "--distro containerd --config '/srv/my containerd.toml'";
  auto installed = plan_install(target, "version = 2\n", {kata_handler()});
  ASSERT_TRUE(installed);
  EXPECT_NE(
      installed->after.find("# BEGIN mkata runtime kata (managed by mkata; remove with: mkata "
                            "uninstall --distro containerd --config '/srv/my "
                            "containerd.toml' --runtime kata)\n"),
      std::string::npos)
      << installed->after;
  // Blocks written with the old marker text are still recognised and removed.
  std::string old =
      "version = 2\n# BEGIN mkata runtime kata (managed by mkata; remove with: mkata "
      "uninstall --runtime kata)\n[plugins.\"io.containerd.grpc.v1.cri\".containerd."
      "runtimes.kata]\n  runtime_type = \"io.containerd.kata.v2\"\n# END mkata "
      "runtime kata\n";
  auto removed = plan_uninstall(target, old, {"kata"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->after, "version = 2\n");
}

// --- The schema from the containerd that reads the file -------------------------------------

ConfigTarget target_at(const std::string& path, ConfigFormat format = ConfigFormat::kToml,
                       ConfigSchema schema = ConfigSchema::kV2) {
  ConfigTarget t;
  t.path = path;
  t.format = format;
  t.schema = schema;
  return t;
}

TEST(ConfigSchemaChoice, TheFileWinsWhereItsContainerdReadsIt) {
  ConfigTarget t = target_at("/c.toml");
  auto v2_on_16 = choose_config_schema(t, "version = 2\n", {"1.6.20~ds1", "at /run/c.sock"});
  ASSERT_TRUE(v2_on_16);
  EXPECT_EQ(v2_on_16->schema, ConfigSchema::kV2);
  EXPECT_EQ(v2_on_16->why,
            "the file says version = 2; containerd 1.6.20~ds1 at /run/c.sock reads it natively");
  auto v3_on_21 = choose_config_schema(t, "version = 3\n", {"v2.1.9", "at /run/c.sock"});
  ASSERT_TRUE(v3_on_21);
  EXPECT_EQ(v3_on_21->schema, ConfigSchema::kV3);
  auto v2_on_21 = choose_config_schema(t, "version = 2\n", {"2.1.9+unknown", ""});
  ASSERT_TRUE(v2_on_21);
  EXPECT_EQ(v2_on_21->schema, ConfigSchema::kV2);
  EXPECT_EQ(
      v2_on_21->why,
      "the file says version = 2; containerd 2.1.9+unknown migrates it to v3 when it loads it");
  auto unknown = choose_config_schema(t, "version = 3\n", {});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->schema, ConfigSchema::kV3);
  EXPECT_EQ(unknown->why, "the file says version = 3");
}

TEST(ConfigSchemaChoice, ANewFileGetsTheSchemaItsContainerdReadsNatively) {
  ConfigTarget t = target_at("/c.toml");
  for (const std::optional<std::string>& current :
       {std::optional<std::string>(), std::optional<std::string>("# nothing yet\n")}) {
    EXPECT_EQ(choose_config_schema(t, current, {"2.0.4", "(containerd --version)"})->schema,
              ConfigSchema::kV3);
    EXPECT_EQ(choose_config_schema(t, current, {"1.7.24~ds1", ""})->schema, ConfigSchema::kV2);
  }
  EXPECT_EQ(choose_config_schema(t, std::nullopt, {"2.0.4", "(containerd --version)"})->why,
            "a new file for containerd 2.0.4 (containerd --version), which reads schema v3");
  auto unknown = choose_config_schema(t, std::nullopt, {});
  EXPECT_EQ(unknown->schema, ConfigSchema::kV2);
  EXPECT_EQ(unknown->why, "schema v2 for a new file (containerd's version is unknown)");
}

TEST(ConfigSchemaChoice, ASchemaV3FileOrTemplateForContainerd1xIsRefused) {
  ConfigTarget file = target_at("/c.toml");
  auto r = choose_config_schema(file, "version = 3\n", {"1.7.24~ds1", "at /run/c.sock"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.error().message(),
            "/c.toml: the file says version = 3 (config schema v3, containerd 2.x), but containerd "
            "1.7.24~ds1 at /run/c.sock reads schema v2 only: it would start and ignore every "
            "runtime written there");
  ConfigTarget tmpl =
      target_at("/k3s/config-v3.toml.tmpl", ConfigFormat::kGoTemplate, ConfigSchema::kV3);
  auto t = choose_config_schema(tmpl, "{{ template \"base\" . }}\n", {"1.7.24~ds1", ""});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message(),
            "/k3s/config-v3.toml.tmpl: the template config-v3.toml.tmpl is for schema v3 (config "
            "schema v3, containerd 2.x), but containerd 1.7.24~ds1 reads schema v2 only: it would "
            "start and ignore every runtime written there");
  EXPECT_EQ(t.error().hint(),
            "use the schema-v2 template (config.toml.tmpl) for containerd 1.x, or upgrade "
            "containerd");
}

TEST(ConfigSchemaChoice, AFileItCannotReadIsLeftToThePlanner) {
  // No `version` line, or not TOML: plan_install() explains what is wrong with the file.
  ConfigTarget t = target_at("/c.toml");
  for (const char* text : {"[plugins]\nx = 1\n", "not = [toml"}) {
    auto r = choose_config_schema(t, std::string(text), {"2.1.9", ""});
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(r->why, "") << text;
  }
}

}  // namespace
}  // namespace mkata::node
