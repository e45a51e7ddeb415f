// The text core of managed blocks: CRLF files keep CRLF, markers inside TOML multi-line strings are
// data, and what mkata writes can be handed over to the user unmarked.
#include "node/block_text.h"

#include <gtest/gtest.h>

namespace mkata::node {
namespace {

TEST(BlockText, CrlfFilesKeepCrlfInAddedLines) {
  std::string block = render_block("runtime x", "note", "a = 1\n");
  for (std::string text : {"k = 1\r\n", "k = 1\r\nj = 2", "# c\r\n\r\n"}) {
    std::string with = append_block(text, block);
    std::string added = with.substr(text.size());
    for (size_t i = 0; i < added.size(); ++i) {
      if (added[i] == '\n') {
        EXPECT_TRUE(i > 0 && added[i - 1] == '\r') << text;
      }
    }
    auto found = locate_block(with, "runtime x");
    ASSERT_EQ(found.status, BlockLocation::Status::kFound) << text;
    EXPECT_EQ(found.span.content, "a = 1\n");  // reported with "\n", compared as such
    EXPECT_EQ(remove_block(with, found.span), text);
    EXPECT_EQ(replace_block(with, found.span, block), with);
  }
  EXPECT_EQ(append_block("k = 1\n", block), "k = 1\n" + block);
  EXPECT_EQ(insert_block("a\r\nb\r\n", 3, block).substr(3, 31), "# BEGIN mkata runtime x (note)\r");
}

TEST(BlockText, MarkersInsideMultiLineStringsAreNotBlocks) {
  std::string block = render_block("runtime x", "", "a = 1\n");
  for (std::string quote : {"\"\"\"", "'''"}) {
    std::string text = "doc = " + quote + "\n" + block + quote + "\n";
    EXPECT_TRUE(block_labels(text).empty()) << text;
    EXPECT_EQ(locate_block(text, "runtime x").status, BlockLocation::Status::kAbsent) << text;
    EXPECT_EQ(strip_blocks(text), text);
    // After the string closes, markers count again.
    std::string after = text + block;
    auto real = locate_block(after, "runtime x");
    ASSERT_EQ(real.status, BlockLocation::Status::kFound);
    EXPECT_EQ(real.span.begin, text.size());
  }
  // Quotes in comments and in one-line strings open nothing.
  std::string text = "# it's \"\"\" here\nk = \"'''\"\nj = '\"\"\"'\ne = \"\\\"\"\n" + block;
  EXPECT_EQ(block_labels(text), (std::vector<std::string>{"runtime x"}));
}

TEST(BlockText, UnwrapHandsTheContentToTheUser) {
  std::string text = render_block("config header", "created by mkata", "version = 2\n") + "[x]\n";
  auto found = locate_block(text, "config header");
  ASSERT_EQ(found.status, BlockLocation::Status::kFound);
  EXPECT_EQ(unwrap_block(text, found.span), "version = 2\n[x]\n");
}

}  // namespace
}  // namespace mkata::node
