#include "txmail/util/random.h"

#include <gtest/gtest.h>

#include <set>

namespace txmail {
namespace {

TEST(Random, TokenIsHexOfTheRequestedByteCount) {
    const auto token = random_token(16);
    ASSERT_EQ(token.size(), 32u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    EXPECT_EQ(random_bytes(7).size(), 7u);
    EXPECT_EQ(random_token(0), "");
}

TEST(Random, TokensDoNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(random_token()).second);
}

}  // namespace
}  // namespace txmail
