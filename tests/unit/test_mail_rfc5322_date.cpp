#include "txmail/mail/rfc5322_date.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

TEST(Rfc5322Date, FormatsUtcWithEnglishNames) {
    EXPECT_EQ(format_rfc5322_date(at(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(format_rfc5322_date(at(1772532000)), "Tue, 03 Mar 2026 10:00:00 +0000");
    EXPECT_EQ(format_rfc5322_date(at(1709251199)), "Thu, 29 Feb 2024 23:59:59 +0000");
    EXPECT_EQ(format_rfc5322_date(at(1798761599)), "Thu, 31 Dec 2026 23:59:59 +0000");
}

TEST(Rfc5322Date, DropsFractionsOfASecond) {
    EXPECT_EQ(format_rfc5322_date(at(1772532000) + std::chrono::milliseconds(999)),
              "Tue, 03 Mar 2026 10:00:00 +0000");
}

}  // namespace
}  // namespace txmail::mail
