#include "embedded/ledger.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::embedded {
namespace {

TEST(Ledger, RecordsAndReadsInOrder) {
  test::TempDir dir;
  Ledger ledger(dir / "ledger.jsonl");
  EXPECT_FALSE(ledger.exists());
  EXPECT_TRUE(ledger.read()->empty());
  HostChange sysctl{kChangeSysctl, "net.ipv4.ip_forward", "0", "", 0};
  HostChange daemon{kChangeContainerd, "/run/n/containerd.sock", "", "/run/n/config.toml", 4242};
  ASSERT_TRUE(ledger.record(sysctl));
  ASSERT_TRUE(ledger.record(daemon));
  auto changes = ledger.read();
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0], sysctl);
  EXPECT_EQ((*changes)[1], daemon);
  ASSERT_TRUE(ledger.remove());
  EXPECT_FALSE(ledger.exists());
  EXPECT_TRUE(ledger.remove());
}

TEST(Ledger, SkipsATornLastLine) {
  std::string text = encode_change({kChangePod, "abc", "", "", 0}) + "\n" + R"({"kind":"pod","na)";
  auto changes = parse_ledger(text);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].name, "abc");
  EXPECT_TRUE(parse_ledger("[1,2]\n{\"name\":\"x\"}\n").empty());
}

TEST(Ledger, RecordFailsWithThePath) {
  Ledger ledger("/nonexistent-dir/ledger.jsonl");
  auto r = ledger.record({kChangePod, "abc", "", "", 0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "record pod abc in ledger /nonexistent-dir/ledger.jsonl: No such file or directory");
}

}  // namespace
}  // namespace mkata::embedded
