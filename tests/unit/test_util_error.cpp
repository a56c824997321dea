#include "txmail/util/error.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

TEST(Error, DescribeIncludesCodeStatusAndReply) {
    Error e = Error::permanent("authentication failed");
    e.code = 535;
    e.enhanced_status = "5.7.139";
    e.reply = "535 5.7.139 Authentication unsuccessful";
    EXPECT_EQ(e.describe(),
              "authentication failed [535 5.7.139]: 535 5.7.139 Authentication unsuccessful");
}

TEST(Error, DescribeWithoutCodeIsTheMessage) {
    EXPECT_EQ(Error::transient("connection reset").describe(), "connection reset");
}

TEST(Error, ConfigNamesTheField) {
    Error e = Error::config("EMAIL_PORT", "EMAIL_PORT must be a number, got \"abc\"");
    EXPECT_EQ(e.kind, ErrorKind::config);
    EXPECT_EQ(e.field, "EMAIL_PORT");
    EXPECT_EQ(to_string(e.kind), "config");
}

}  // namespace
}  // namespace txmail
