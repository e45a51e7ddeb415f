#include "workload/query.h"

#include <gtest/gtest.h>

namespace mkata::workload {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(percent_decode("a%20b+c%2Fd%2f"), "a b c/d/");
  EXPECT_EQ(percent_decode("%31%30"), "10");
}

TEST(PercentDecode, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(percent_decode("%zz"), "%zz");
  EXPECT_EQ(percent_decode("5%"), "5%");
  EXPECT_EQ(percent_decode("5%3"), "5%3");
}

TEST(FindQueryParam, FirstOccurrenceWins) {
  std::string value;
  ASSERT_TRUE(find_query_param("a=1&sleep=5&sleep=7", "sleep", value));
  EXPECT_EQ(value, "5");
  ASSERT_TRUE(find_query_param("sleep&x=1", "sleep", value));
  EXPECT_EQ(value, "");
  ASSERT_TRUE(find_query_param("sl%65ep=3", "sleep", value));
  EXPECT_EQ(value, "3");
  EXPECT_FALSE(find_query_param("sleeper=1&&x", "sleep", value));
  EXPECT_FALSE(find_query_param("", "sleep", value));
}

TEST(AutoscaleQuery, ReadsAllThreeJobs) {
  AutoscaleQuery q = parse_autoscale_query("sleep=100&prime=10000&bloat=5", {});
  ASSERT_TRUE(q.ok()) << q.error;
  EXPECT_EQ(q.jobs.sleep_ms, 100u);
  EXPECT_EQ(q.jobs.prime, 10000u);
  EXPECT_EQ(q.jobs.bloat_mib, 5u);
}

TEST(AutoscaleQuery, AbsentEmptyOrZeroSkipsAndUnknownIsIgnored) {
  AutoscaleQuery q = parse_autoscale_query("sleep=&prime=0&color=red&bloat=000", {});
  ASSERT_TRUE(q.ok()) << q.error;
  EXPECT_FALSE(q.jobs.any());
  EXPECT_FALSE(parse_autoscale_query("", {}).jobs.any());
}

TEST(AutoscaleQuery, FirstOccurrenceWinsEvenIfALaterOneIsBad) {
  AutoscaleQuery q = parse_autoscale_query("prime=7&prime=abc", {});
  ASSERT_TRUE(q.ok()) << q.error;
  EXPECT_EQ(q.jobs.prime, 7u);
}

TEST(AutoscaleQuery, AcceptsTheLimitsAndPercentEncodedDigits) {
  AutoscaleQuery q = parse_autoscale_query("sleep=60000&prime=100000000&bloat=1%30%324", {});
  ASSERT_TRUE(q.ok()) << q.error;
  EXPECT_EQ(q.jobs.sleep_ms, 60000u);
  EXPECT_EQ(q.jobs.prime, 100000000u);
  EXPECT_EQ(q.jobs.bloat_mib, 1024u);
}

struct BadInput {
  const char* query;
  const char* error;
};

class AutoscaleQueryBad : public ::testing::TestWithParam<BadInput> {};

TEST_P(AutoscaleQueryBad, NamesParameterValueAndWhatIsAccepted) {
  AutoscaleQuery q = parse_autoscale_query(GetParam().query, {});
  EXPECT_FALSE(q.ok());
  EXPECT_EQ(q.error, GetParam().error);
  EXPECT_FALSE(q.jobs.any());
}

INSTANTIATE_TEST_SUITE_P(
    EveryClassForEveryParameter, AutoscaleQueryBad,
    ::testing::Values(
        BadInput{"sleep=-5",
                 "invalid sleep value \"-5\": expected a decimal whole number of "
                 "milliseconds from 0 to 60000"},
        BadInput{"sleep=%2B5",
                 "invalid sleep value \"+5\": expected a decimal whole number of "
                 "milliseconds from 0 to 60000"},
        BadInput{"sleep=abc",
                 "invalid sleep value \"abc\": expected a decimal whole number of "
                 "milliseconds from 0 to 60000"},
        BadInput{"sleep=1.5",
                 "invalid sleep value \"1.5\": expected a decimal whole number of "
                 "milliseconds from 0 to 60000"},
        BadInput{"sleep=99999999999999999999999",
                 "invalid sleep value \"99999999999999999999999\": expected a decimal whole "
                 "number of milliseconds from 0 to 60000"},
        BadInput{"sleep=60001",
                 "invalid sleep value \"60001\": expected a decimal whole number "
                 "of milliseconds from 0 to 60000"},
        BadInput{"prime=-1",
                 "invalid prime value \"-1\": expected a decimal whole number from 0 "
                 "to 100000000"},
        BadInput{"prime=1e9",
                 "invalid prime value \"1e9\": expected a decimal whole number from "
                 "0 to 100000000"},
        BadInput{"prime=18446744073709551616",
                 "invalid prime value \"18446744073709551616\": expected a decimal whole number "
                 "from 0 to 100000000"},
        BadInput{"prime=100000001",
                 "invalid prime value \"100000001\": expected a decimal whole "
                 "number from 0 to 100000000"},
        BadInput{"bloat=-2",
                 "invalid bloat value \"-2\": expected a decimal whole number of MiB "
                 "from 0 to 1024"},
        BadInput{"bloat=%205",
                 "invalid bloat value \" 5\": expected a decimal whole number of "
                 "MiB from 0 to 1024"},
        BadInput{"bloat=0x10",
                 "invalid bloat value \"0x10\": expected a decimal whole number of "
                 "MiB from 0 to 1024"},
        BadInput{"bloat=99999999999999999999",
                 "invalid bloat value \"99999999999999999999\": "
                 "expected a decimal whole number of MiB from 0 "
                 "to 1024"},
        BadInput{"bloat=1025",
                 "invalid bloat value \"1025\": expected a decimal whole number of "
                 "MiB from 0 to 1024"},
        BadInput{"sleep=1&prime=x&bloat=y",
                 "invalid prime value \"x\": expected a decimal whole "
                 "number from 0 to 100000000"}));

TEST(AutoscaleQuery, ErrorIsOneLineWhateverTheValue) {
  AutoscaleQuery q = parse_autoscale_query("bloat=%0A%22%5C%FF", {});
  EXPECT_EQ(q.error,
            "invalid bloat value \"\\x0a\\\"\\\\\\xff\": expected a decimal whole "
            "number of MiB from 0 to 1024");
  std::string long_value(200, '7');
  q = parse_autoscale_query("sleep=" + long_value, {});
  EXPECT_EQ(q.error, "invalid sleep value \"" + long_value.substr(0, 64) +
                         "...\": expected a decimal whole number of milliseconds from 0 to 60000");
}

TEST(AutoscaleQuery, LimitsAreConfigurable) {
  AutoscaleLimits limits;
  limits.max_sleep_ms = 50;
  EXPECT_EQ(parse_autoscale_query("sleep=51", limits).error,
            "invalid sleep value \"51\": expected a decimal whole number of milliseconds from 0 "
            "to 50");
  EXPECT_EQ(parse_autoscale_query("sleep=50", limits).jobs.sleep_ms, 50u);
}

TEST(ParseDecimal, RejectsEverythingButDigitsWithinMax) {
  std::uint64_t v = 0;
  EXPECT_TRUE(parse_decimal("0", 10, v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_decimal("0010", 10, v));
  EXPECT_EQ(v, 10u);
  EXPECT_FALSE(parse_decimal("", 10, v));
  EXPECT_FALSE(parse_decimal("11", 10, v));
  EXPECT_FALSE(parse_decimal(" 1", 10, v));
  EXPECT_FALSE(parse_decimal("99999999999999999999999", UINT64_MAX, v));
  EXPECT_TRUE(parse_decimal("18446744073709551609", UINT64_MAX, v));
}

}  // namespace
}  // namespace mkata::workload
