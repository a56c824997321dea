#include "txmail/util/hex.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

TEST(Hex, ReadsADigitOfEitherCase) {
    EXPECT_EQ(hex_digit_value('0'), 0);
    EXPECT_EQ(hex_digit_value('9'), 9);
    EXPECT_EQ(hex_digit_value('a'), 10);
    EXPECT_EQ(hex_digit_value('F'), 15);
    EXPECT_EQ(hex_digit_value('g'), -1);
    EXPECT_EQ(hex_digit_value('/'), -1);
}

TEST(Hex, EncodesLowercaseTwoDigitsPerByte) {
    EXPECT_EQ(hex_encode(""), "");
    EXPECT_EQ(hex_encode(std::string_view("\x00\x0f\xa0\xff", 4)), "000fa0ff");
    EXPECT_EQ(hex_encode("Hi"), "4869");
}

}  // namespace
}  // namespace txmail
