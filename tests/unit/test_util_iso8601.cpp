#include "txmail/util/iso8601.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

using namespace std::chrono;

TEST(Iso8601, FormatsUtc) {
    EXPECT_EQ(format_iso8601_utc_seconds(1798070400), "2026-12-24T00:00:00Z");
    EXPECT_EQ(format_iso8601_utc(system_clock::time_point(seconds(0))), "1970-01-01T00:00:00Z");
}

TEST(Iso8601, ParsesTheFormsEventDataUses) {
    const auto expected = system_clock::time_point(seconds(1798070400));
    EXPECT_EQ(parse_iso8601("2026-12-24T00:00:00Z"), expected);
    EXPECT_EQ(parse_iso8601("2026-12-24"), expected);
    EXPECT_EQ(parse_iso8601("2026-12-24T01:30:00+01:30"), expected);
    EXPECT_EQ(parse_iso8601("2026-12-23T19:00-05:00"), expected);
    EXPECT_EQ(parse_iso8601("2026-12-24T00:00:00.250Z"), expected + milliseconds(250));
}

TEST(Iso8601, RejectsWhatIsNotADate) {
    EXPECT_FALSE(parse_iso8601("2026-13-01"));
    EXPECT_FALSE(parse_iso8601("2026-02-30"));
    EXPECT_FALSE(parse_iso8601("24/12/2026"));
    EXPECT_FALSE(parse_iso8601("2026-12-24T25:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-12-24T00:00:00Zjunk"));
    EXPECT_FALSE(parse_iso8601(""));
}

}  // namespace
}  // namespace txmail
