#include "txmail/mail/message_id.h"

#include <gtest/gtest.h>

#include <set>

namespace txmail::mail {
namespace {

TEST(MessageId, RandomLeftSideAndTheSendersDomainInPunycode) {
    const auto id = make_message_id(Address{"", "noreply",
                                            "b\xC3\xBC"
                                            "cher.de"})
                        .value();
    ASSERT_EQ(id.size(), 32u + 1 + 16);
    EXPECT_EQ(id.substr(32), "@xn--bcher-kva.de");
    EXPECT_EQ(id.substr(0, 32).find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(check_message_id(id).has_value());
}

TEST(MessageId, Unique) {
    std::set<std::string> ids;
    for (int i = 0; i < 500; ++i)
        ids.insert(make_message_id(Address{"", "a", "example.com"}).value());
    EXPECT_EQ(ids.size(), 500u);
}

TEST(MessageId, PinnedIdsMustNotBreakTheHeader) {
    EXPECT_TRUE(check_message_id("order-42.1@boritrade.net").has_value());
    for (std::string_view bad : {"", "no-at-sign", "@right", "left@", "a@b@c", "<a@b>", "a b@c",
                                 "a@b\r\nBcc: x", "\xC3\xA9@b", "a\"@b"}) {
        auto result = check_message_id(bad);
        ASSERT_FALSE(result.has_value()) << bad;
        EXPECT_EQ(result.error().field, "message_id");
    }
}

}  // namespace
}  // namespace txmail::mail
