#include "txmail/mail/header_rules.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

TEST(HeaderRules, SingleLineRefusesCrLfAndNulNamingTheField) {
    EXPECT_TRUE(check_single_line("fine value\twith tab", "subject").has_value());
    for (std::string_view bad :
         {std::string_view("a\rb"), std::string_view("a\nb"), std::string_view("a\0b", 3)}) {
        auto result = check_single_line(bad, "subject");
        ASSERT_FALSE(result.has_value());
        EXPECT_EQ(result.error().field, "subject");
        EXPECT_EQ(result.error().message.rfind("subject ", 0), 0u) << result.error().message;
    }
}

TEST(HeaderRules, Utf8MustBeWellFormed) {
    EXPECT_TRUE(check_utf8("Gr\xC3\xBC\xC3\x9F"
                           "e",
                           "text")
                    .has_value());
    auto result = check_utf8("bad \xC3(", "text");
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find("byte 4"), std::string::npos) << result.error().message;
}

TEST(HeaderRules, ExtraHeaderNamesFollowRfc5322) {
    EXPECT_TRUE(check_extra_header_name("X-Campaign").has_value());
    EXPECT_TRUE(check_extra_header_name("List-Unsubscribe-Post").has_value());
    for (std::string_view bad :
         {"", "X Campaign", "X:Campaign", "X-\xC3\xA9", "X-\tTab", "X-Line\r\nBcc"}) {
        auto result = check_extra_header_name(bad);
        ASSERT_FALSE(result.has_value()) << bad;
        EXPECT_EQ(result.error().field, "headers");
    }
    EXPECT_FALSE(check_extra_header_name(std::string(77, 'X')).has_value());
}

TEST(HeaderRules, HeadersTxmailWritesCannotBeOverridden) {
    for (std::string_view name :
         {"From", "to", "CC", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
          "Content-Type", "Content-Transfer-Encoding", "content-disposition"}) {
        auto result = check_extra_header_name(name);
        ASSERT_FALSE(result.has_value()) << name;
        EXPECT_EQ(result.error().field, "headers." + std::string(name));
        EXPECT_NE(result.error().message.find(name), std::string::npos);
    }
    EXPECT_TRUE(check_extra_header_name("Sender").has_value());
    EXPECT_TRUE(check_extra_header_name("Content-Language").has_value());
}

}  // namespace
}  // namespace txmail::mail
