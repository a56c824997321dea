#include "txmail/util/hex.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

TEST(Hex, EncodesLowercaseTwoDigitsPerByte) {
    EXPECT_EQ(hex_encode(""), "");
    EXPECT_EQ(hex_encode(std::string_view("\x00\x0f\xa0\xff", 4)), "000fa0ff");
    EXPECT_EQ(hex_encode("Hi"), "4869");
}

}  // namespace
}  // namespace txmail
