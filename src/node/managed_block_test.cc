// Marker blocks: exact bytes in and out, including files without a final newline.
#include "node/managed_block.h"

#include <gtest/gtest.h>

namespace mkata::node {
namespace {

TEST(ManagedBlock, AppendAndRemoveAreExactInverses) {
  std::string block = render_block("runtime x", "note", "a = 1\n");
  EXPECT_EQ(block, "# BEGIN mkata runtime x (note)\na = 1\n# END mkata runtime x\n");
  for (std::string text : {"", "k = 1\n", "k = 1", "# only a comment"}) {
    std::string with = append_block(text, block);
    auto span = find_block(with, "runtime x", "f");
    ASSERT_TRUE(span && *span) << text;
    EXPECT_EQ((*span)->content, "a = 1\n");
    EXPECT_EQ(remove_block(with, **span), text);
    EXPECT_EQ(strip_blocks(with), text);
  }
}

TEST(ManagedBlock, ReplaceKeepsThePositionAndTheTail) {
  std::string text = "a\n" + render_block("runtime x", "", "old\n") + "tail\n";
  auto span = find_block(text, "runtime x", "f");
  ASSERT_TRUE(span && *span);
  EXPECT_EQ(replace_block(text, **span, render_block("runtime x", "", "new\n")),
            "a\n# BEGIN mkata runtime x\nnew\n# END mkata runtime x\ntail\n");
}

TEST(ManagedBlock, LabelsAreMatchedExactly) {
  std::string text = render_block("runtime kata", "", "") + render_block("runtime kata2", "", "");
  EXPECT_EQ(block_labels(text), (std::vector<std::string>{"runtime kata", "runtime kata2"}));
  auto span = find_block(text, "runtime kata", "f");
  ASSERT_TRUE(span && *span);
  EXPECT_EQ(remove_block(text, **span), render_block("runtime kata2", "", ""));
}

TEST(ManagedBlock, DuplicateBlocksAreAnError) {
  std::string text = render_block("runtime x", "", "") + render_block("runtime x", "", "");
  auto span = find_block(text, "runtime x", "/f.toml");
  ASSERT_FALSE(span);
  EXPECT_EQ(span.error().message(), "/f.toml: the mkata block 'runtime x' appears twice; delete "
                                    "one of them by hand (from its BEGIN to its END line)");
}

}  // namespace
}  // namespace mkata::node
