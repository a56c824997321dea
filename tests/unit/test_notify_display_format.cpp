#include "txmail/notify/display_format.h"

#include <gtest/gtest.h>

#include "txmail/util/iso8601.h"

namespace txmail::notify {
namespace {

std::chrono::system_clock::time_point at(std::string_view iso) {
    return *parse_iso8601(iso);
}

TEST(FormatMoney, MinorUnitsWithSymbol) {
    EXPECT_EQ(format_money(2900, "usd"), "$29.00");
    EXPECT_EQ(format_money(2900, "USD"), "$29.00");
    EXPECT_EQ(format_money(5, "usd"), "$0.05");
    EXPECT_EQ(format_money(0, "usd"), "$0.00");
    EXPECT_EQ(format_money(1299900, "eur"), "€12,999.00");
    EXPECT_EQ(format_money(123456789012, "gbp"), "£1,234,567,890.12");
    EXPECT_EQ(format_money(-2900, "usd"), "-$29.00");
}

TEST(FormatMoney, ZeroAndThreeDecimalCurrencies) {
    EXPECT_EQ(format_money(500, "jpy"), "¥500");
    EXPECT_EQ(format_money(1234567, "krw"), "₩1,234,567");
    EXPECT_EQ(format_money(1500, "clp"), "1,500 CLP");
    EXPECT_EQ(format_money(1234, "kwd"), "1.234 KWD");
    EXPECT_EQ(format_money(5, "bhd"), "0.005 BHD");
    EXPECT_EQ(minor_unit_digits("JPY"), 0);
    EXPECT_EQ(minor_unit_digits("tnd"), 3);
    EXPECT_EQ(minor_unit_digits("chf"), 2);
}

TEST(FormatMoney, UnknownCurrencyShowsTheCodeAfterTwoDecimals) {
    EXPECT_EQ(format_money(2900, "xyz"), "29.00 XYZ");
    EXPECT_EQ(format_money(2900, "chf"), "29.00 CHF");
}

TEST(FormatDate, MonthDayYear) {
    EXPECT_EQ(format_date(at("2026-12-24")), "December 24, 2026");
    EXPECT_EQ(format_date(at("2027-01-01T23:59:59Z")), "January 1, 2027");
    EXPECT_EQ(format_date(at("2028-02-29T12:00:00Z")), "February 29, 2028");
}

TEST(FormatDate, OffsetsAreShownInUtc) {
    // 23:30 in New York on the 24th is already the 25th in UTC.
    EXPECT_EQ(format_date_time(at("2026-12-24T23:30:00-05:00")), "December 25, 2026 at 04:30 UTC");
    EXPECT_EQ(format_date_time(at("2026-12-24T09:05:00Z")), "December 24, 2026 at 09:05 UTC");
    EXPECT_EQ(format_date_time(at("2026-12-24T00:00:00Z")), "December 24, 2026 at 00:00 UTC");
}

TEST(OneLine, CollapsesEveryKindOfLineBreak) {
    EXPECT_EQ(one_line("Ada\r\nLovelace", 100), "Ada Lovelace");
    EXPECT_EQ(one_line("  Ada \t\n\n Lovelace  ", 100), "Ada Lovelace");
    EXPECT_EQ(one_line("a\u2028b\u2029c\u0085d", 100), "a b c d");
    EXPECT_EQ(one_line("bell\a and \x1b[31mescape", 100), "bell and [31mescape");
    EXPECT_EQ(one_line("\r\n", 100), "");
}

TEST(OneLine, CutsAtCodePointsWithAnEllipsis) {
    EXPECT_EQ(one_line("abcd", 4), "abcd");
    EXPECT_EQ(one_line("abcde", 4), "abc…");
    EXPECT_EQ(one_line("ab cdef", 4), "ab…");
    // Emoji are four bytes each: never split.
    EXPECT_EQ(one_line("😀😀😀😀😀", 3), "😀😀…");
    EXPECT_EQ(one_line("anything", 0), "");
}

TEST(StatusTone, ReadsCommonRatings) {
    EXPECT_EQ(status_tone("BUY"), Tone::positive);
    EXPECT_EQ(status_tone("Strong Buy"), Tone::positive);
    EXPECT_EQ(status_tone("outperform"), Tone::positive);
    EXPECT_EQ(status_tone("SELL"), Tone::negative);
    EXPECT_EQ(status_tone("Underweight"), Tone::negative);
    EXPECT_EQ(status_tone("HOLD"), Tone::neutral);
    EXPECT_EQ(status_tone("<script>"), Tone::neutral);
    EXPECT_EQ(to_string(Tone::negative), "negative");
}

}  // namespace
}  // namespace txmail::notify
