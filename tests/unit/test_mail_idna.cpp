#include "txmail/mail/idna.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

TEST(Idna, AsciiDomainsPassThroughUnchanged) {
    EXPECT_EQ(domain_to_ascii("Example.COM", "to").value(), "Example.COM");
}

TEST(Idna, UnicodeDomainsBecomePunycodeNonTransitional) {
    EXPECT_EQ(domain_to_ascii("b\xC3\xBC"
                              "cher.de",
                              "to")
                  .value(),
              "xn--bcher-kva.de");
    EXPECT_EQ(domain_to_ascii("\xC3\xA6r\xC3\xB8.dk", "to").value(), "xn--r-3fa9c.dk");
    EXPECT_EQ(domain_to_ascii("fa\xC3\x9F.de", "to").value(), "xn--fa-hia.de");
    EXPECT_EQ(domain_to_ascii("\xE4\xBE\x8B\xE3\x81\x88.jp", "to").value(), "xn--r8jz45g.jp");
}

TEST(Idna, RefusedDomainsNameTheFieldAndTheDomain) {
    auto result = domain_to_ascii("\xF0\x9F\x93\x88.com", "from");  // emoji: disallowed
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().field, "from");
    EXPECT_NE(result.error().message.find("from: domain \"\xF0\x9F\x93\x88.com\""),
              std::string::npos)
        << result.error().message;
}

}  // namespace
}  // namespace txmail::mail
