// A deterministic stand-in for a fuzz target (libFuzzer's clang-14 cannot compile the C++23
// std::expected these planners return): thousands of byte-level mutations of real configs go
// through plan_install / plan_uninstall. Each either fails with an error value, or succeeds and
// then round-trips exactly — never crashes, never loses a byte.
#include <gtest/gtest.h>

#include <random>

#include "core/build_paths.h"
#include "core/files.h"
#include "node/containerd_config.h"
#include "node/engine_config.h"

namespace mkata::node {
namespace {

std::string mutate(std::string text, std::mt19937& rng) {
  static const std::string kAlphabet = "[]\"'=.#\n \tabcv2{}\\";
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t pos = text.empty() ? 0 : rng() % (text.size() + 1);
    char c = kAlphabet[rng() % kAlphabet.size()];
    switch (rng() % 3) {
      case 0:
        text.insert(pos, 1, c);
        break;
      case 1:
        if (pos < text.size()) text.erase(pos, 1 + rng() % 8);
        break;
      default:
        if (pos < text.size()) text[pos] = c;
    }
  }
  return text;
}

TEST(ConfigMutation, EveryMutantFailsCleanlyOrRoundTrips) {
  auto seed = read_file(source_path("/src/node/testdata/containerd-1.6-default.toml"));
  ASSERT_TRUE(seed);
  std::vector<std::string> seeds = {*seed, "version = 2\n", "", "version = 3\n[grpc]\n"};
  std::vector<RuntimeHandler> handlers = {kata_handler(), gvisor_handler(false, "/a")};
  ConfigTarget target;
  target.path = "/c.toml";
  std::mt19937 rng(20261127);
  int installed = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string text = mutate(seeds[i % seeds.size()], rng);
    auto edit = plan_install(target, text, handlers);
    if (!edit) {
      EXPECT_FALSE(edit.error().message().empty());
      EXPECT_EQ(edit.error().message().find('\n'), std::string::npos) << edit.error().message();
      continue;
    }
    ++installed;
    auto again = plan_install(target, edit->after, handlers);
    ASSERT_TRUE(again) << again.error().message() << "\n--- mutant:\n" << text;
    EXPECT_FALSE(again->changed()) << text;
    auto removed = plan_uninstall(target, edit->after, {"kata", "gvisor"});
    ASSERT_TRUE(removed) << removed.error().message();
    EXPECT_EQ(removed->after, text);
    // The same bytes as a podman containers.conf and a docker daemon.json must not crash either.
    (void)plan_podman_install("/c.conf", text, handlers);
    (void)plan_docker_install("/d.json", text, handlers);
  }
  EXPECT_GT(installed, 100);  // the mutants are not all rejected
}

}  // namespace
}  // namespace mkata::node
