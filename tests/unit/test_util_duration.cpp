#include "txmail/util/duration.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsUnitsAndBareSeconds) {
    EXPECT_EQ(parse_duration("500ms", "X").value(), milliseconds(500));
    EXPECT_EQ(parse_duration("30", "X").value(), milliseconds(30'000));
    EXPECT_EQ(parse_duration("2.5s", "X").value(), milliseconds(2'500));
    EXPECT_EQ(parse_duration("5min", "X").value(), milliseconds(300'000));
    EXPECT_EQ(parse_duration(" 1 h ", "X").value(), milliseconds(3'600'000));
    EXPECT_EQ(parse_duration("24H", "X").value(), milliseconds(86'400'000));
    EXPECT_EQ(parse_duration("0", "X").value(), milliseconds(0));
}

TEST(ParseDuration, RefusesGarbageNamingFieldAndValue) {
    for (const char* bad : {"", "soon", "-1s", "5 fortnights", "1e400", "nan"}) {
        const auto parsed = parse_duration(bad, "TXMAIL_RETRY_MIN");
        ASSERT_FALSE(parsed.has_value()) << bad;
        EXPECT_EQ(parsed.error().kind, ErrorKind::config);
        EXPECT_EQ(parsed.error().field, "TXMAIL_RETRY_MIN");
        EXPECT_NE(parsed.error().message.find(std::string("\"") + bad + "\""), std::string::npos)
            << parsed.error().message;
    }
}

TEST(FormatDuration, ShortHumanForm) {
    EXPECT_EQ(format_duration(milliseconds(750)), "750ms");
    EXPECT_EQ(format_duration(milliseconds(45'000)), "45s");
    EXPECT_EQ(format_duration(milliseconds(125'000)), "2m 5s");
    EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
    EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h 30m");
    EXPECT_EQ(format_duration(milliseconds(7'200'000)), "2h");
}

}  // namespace
}  // namespace txmail
