// libFuzzer target for the managed-block scanner (block_text.h): any bytes — markers, TOML
// strings, CRLF, broken blocks — must scan without a crash or a sanitizer report, every block
// found must lie inside the text, and a block appended to what the user wrote must be found
// again and removed byte-exactly. Built with clang by src/node/CMakeLists.txt (block_text.cc
// avoids <expected>, which clang-14 cannot read from libstdc++ 12); run 20 s by CTest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "node/block_text.h"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mkata::node::BlockLocation;
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& label : mkata::node::block_labels(text)) {
    BlockLocation found = mkata::node::locate_block(text, label);
    if (found.status != BlockLocation::Status::kFound) continue;
    require(found.span.begin <= found.span.end && found.span.end <= text.size());
    std::string removed = mkata::node::remove_block(text, found.span);
    require(removed.size() == text.size() - (found.span.end - found.span.begin));
  }
  std::string user = mkata::node::strip_blocks(text);
  require(user.size() <= text.size());
  if (user.find("runtime fuzz") != std::string::npos) return 0;
  const std::string block = mkata::node::render_block("runtime fuzz", "note", "a = 1\n");
  std::string with = mkata::node::append_block(user, block);
  require(with.compare(0, user.size(), user) == 0);
  if (mkata::node::line_ending_of(user) == "\r\n") {
    for (size_t i = user.size(); i < with.size(); ++i) {
      if (with[i] == '\n') require(with[i - 1] == '\r');
    }
  }
  BlockLocation found = mkata::node::locate_block(with, "runtime fuzz");
  // Absent only when the user's text ends inside a multi-line string: then the lines are data.
  if (found.status != BlockLocation::Status::kFound) return 0;
  require(found.span.content == "a = 1\n");
  require(mkata::node::remove_block(with, found.span) == user);
  require(mkata::node::replace_block(with, found.span, block) == with);
  return 0;
}
