#include "cli/args.h"

#include <gtest/gtest.h>

namespace mkata::cli {

TEST(ArgParser, ParsesFlagsOptionsAndRepeats) {
  bool dry = false;
  std::string config;
  std::vector<std::string> runtimes;
  ArgParser p("install", "x");
  p.flag("dry-run", &dry, "");
  p.option("config", &config, "FILE", "");
  p.repeated("runtime", &runtimes, "RT", "");
  auto r = p.parse({"--dry-run", "--config=/a.toml", "--runtime", "kata", "--runtime", "gvisor,crun"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_TRUE(dry);
  EXPECT_EQ(config, "/a.toml");
  EXPECT_EQ(runtimes, (std::vector<std::string>{"kata", "gvisor", "crun"}));
}

TEST(ArgParser, RejectsUnknownOptionWithHint) {
  ArgParser p("check", "x");
  auto r = p.parse({"--frobnicate"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "check: unknown option '--frobnicate'");
  EXPECT_EQ(r.error().hint(), "see 'mkata check --help'");
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
}

TEST(ArgParser, RejectsValueOutsideChoices) {
  std::vector<std::string> runtimes;
  ArgParser p("check", "x");
  p.repeated("require", &runtimes, "RT", "");
  p.choices("require", {"runc", "crun", "gvisor", "kata"});
  auto r = p.parse({"--require", "docker"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "check: invalid value 'docker' for --require (accepted: runc, crun, gvisor, kata)");
}

TEST(ArgParser, MissingValue) {
  std::string config;
  ArgParser p("install", "x");
  p.option("config", &config, "FILE", "");
  auto r = p.parse({"--config"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "install: option '--config' needs a value (FILE)");
}

TEST(ArgParser, PositionalsOnlyWhenDeclared) {
  ArgParser p("check", "x");
  auto r = p.parse({"extra"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "check: unexpected argument 'extra'");
  std::vector<std::string> pos;
  ArgParser q("images", "x");
  q.positionals(&pos, "build|import");
  ASSERT_TRUE(q.parse({"build"}));
  EXPECT_EQ(pos, (std::vector<std::string>{"build"}));
}

TEST(ArgParser, AnOptionDoesNotSwallowTheNextFlag) {
  std::string config;
  bool dry = false;
  ArgParser p("install", "x");
  p.option("config", &config, "FILE", "");
  p.flag("dry-run", &dry, "");
  auto r = p.parse({"--config", "--dry-run"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "install: option '--config' needs a value (FILE), got the option '--dry-run'");
  EXPECT_EQ(r.error().hint(), "write --config=--dry-run if the value really starts with '--'");
  EXPECT_EQ(config, "");
  ArgParser q("install", "x");
  q.option("config", &config, "FILE", "");
  ASSERT_TRUE(q.parse({"--config=--odd-name"}));
  EXPECT_EQ(config, "--odd-name");
  ASSERT_TRUE(q.parse({"--config", "-"}));  // "-" (stdout) is a value
  EXPECT_EQ(config, "-");
}

TEST(ArgParser, NumbersAreDigitsOnly) {
  EXPECT_EQ(*parse_number("validate", "timeout", "5", 1, 3600, "seconds"), 5);
  EXPECT_EQ(*parse_number("validate", "timeout", "3600", 1, 3600, "seconds"), 3600);
  for (const char* bad :
       {" 5", "5 ", "+5", "-5", "0x10", "", "0", "3601", "5s", "99999999999999999999999"}) {
    auto r = parse_number("validate", "timeout", bad, 1, 3600, "seconds");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), std::string("validate: invalid value '") + bad +
                                       "' for --timeout (accepted: 1 to 3600 seconds)");
    EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  }
}

TEST(ArgParser, ARepeatedOptionWhoseValueHoldsCommasIsNotSplit) {
  std::vector<std::string> overheads;
  ArgParser p("install", "x");
  p.repeated("overhead", &overheads, "RT=MEM,CPU", "", /*split_commas=*/false);
  ASSERT_TRUE(p.parse({"--overhead", "kata=256Mi,250m", "--overhead=gvisor=none"}));
  EXPECT_EQ(overheads, (std::vector<std::string>{"kata=256Mi,250m", "gvisor=none"}));
}

}  // namespace mkata::cli
