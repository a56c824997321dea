#include "txmail/mail/address.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

Address parsed(std::string_view text) {
    auto address = Address::parse(text, "to");
    EXPECT_TRUE(address.has_value()) << text << ": " << address.error().message;
    return address.value_or(Address{});
}

Error rejected(std::string_view text, std::string_view field = "to") {
    auto address = Address::parse(text, field);
    EXPECT_FALSE(address.has_value()) << text << " was accepted";
    return address ? Error{} : address.error();
}

TEST(Address, ParsesBareAddrSpec) {
    EXPECT_EQ(parsed("jane@example.com"), (Address{"", "jane", "example.com"}));
    EXPECT_EQ(parsed("  jane.doe+tag@mail.example.com \t"),
              (Address{"", "jane.doe+tag", "mail.example.com"}));
    EXPECT_EQ(parsed("<jane@example.com>"), (Address{"", "jane", "example.com"}));
    EXPECT_EQ(parsed("root@localhost"), (Address{"", "root", "localhost"}));
}

TEST(Address, ParsesDisplayNames) {
    EXPECT_EQ(parsed("Jane Doe <jane@example.com>"), (Address{"Jane Doe", "jane", "example.com"}));
    EXPECT_EQ(parsed("Boritrade [DEVSERVER] <noreply@boritrade.net>"),
              (Address{"Boritrade [DEVSERVER]", "noreply", "boritrade.net"}));
    EXPECT_EQ(parsed(R"("Doe, Jane \"JD\"" <jane@example.com>)"),
              (Address{R"(Doe, Jane "JD")", "jane", "example.com"}));
    EXPECT_EQ(parsed(R"(Jane "The Boss" Doe <jane@example.com>)"),
              (Address{"Jane The Boss Doe", "jane", "example.com"}));
    EXPECT_EQ(parsed("J\xC3\xB6rg M\xC3\xBCller <joerg@example.de>"),
              (Address{"J\xC3\xB6rg M\xC3\xBCller", "joerg", "example.de"}));
    EXPECT_EQ(parsed("\"\" <jane@example.com>"), (Address{"", "jane", "example.com"}));
}

TEST(Address, ParsesQuotedLocalPartsAndUnicodeDomains) {
    EXPECT_EQ(parsed(R"("john doe"@example.com)"), (Address{"", "\"john doe\"", "example.com"}));
    EXPECT_EQ(parsed("Shop <shop@b\xC3\xBC"
                     "cher.de>"),
              (Address{"Shop", "shop",
                       "b\xC3\xBC"
                       "cher.de"}));
}

TEST(Address, RejectsLineBreaksAndNulNamingTheField) {
    for (std::string_view text :
         {std::string_view("Eve\r\nBcc: x@example.com <eve@example.com>"),
          std::string_view("eve@example.com\n"), std::string_view("eve\0@example.com", 16)}) {
        const Error error = rejected(text, "reply_to");
        EXPECT_EQ(error.field, "reply_to");
        EXPECT_NE(error.message.find("reply_to"), std::string::npos) << error.message;
        EXPECT_NE(error.message.find("header injection"), std::string::npos) << error.message;
    }
}

TEST(Address, InvalidSyntaxNamesTheFieldAndTheValue) {
    const struct {
        std::string_view text;
        std::string_view reason;
    } cases[] = {
        {"", "empty"},
        {"not-an-address", "no '@'"},
        {"jane@", "domain (after '@') is empty"},
        {"@example.com", "local part (before '@') is empty"},
        {"Doe, Jane <jane@example.com>", "','"},
        {"Jane <jane@example.com", "'<' without"},
        {"jane@example.com>", "'>' without"},
        {"Jane <jane@example.com> extra", "after '>'"},
        {"\"Jane <jane@example.com>", "not closed"},
        {"\"Jane\" \"x <jane@example.com>", "not closed"},
        {"\"ab\"c@example.com", "whole local part"},
        {"jane doe@example.com", "a space"},
        {"jane..doe@example.com", "two in a row"},
        {".jane@example.com", "'.'"},
        {"jane@exa_mple.com", "'_'"},
        {"jane@-example.com", "'-'"},
        {"jane@example..com", "empty label"},
        {"jane@example.com.", "empty label"},
        {"jane@[192.0.2.1]", "address literals"},
        {"j\xC3\xB6rg@example.de", "SMTPUTF8"},
        {"\"unterminated@example.com", "not closed"},
        {"jane@\xF0\x9F\x93\x88.com", "IDNA"},
    };
    for (const auto& c : cases) {
        const Error error = rejected(c.text);
        EXPECT_EQ(error.field, "to") << c.text;
        EXPECT_EQ(error.message.rfind("to: invalid address \"", 0), 0u) << error.message;
        EXPECT_NE(error.message.find(c.reason), std::string::npos)
            << c.text << " -> " << error.message;
    }
}

TEST(Address, EnforcesRfc5321Lengths) {
    EXPECT_TRUE(Address::parse(std::string(64, 'a') + "@example.com", "to").has_value());
    EXPECT_FALSE(Address::parse(std::string(65, 'a') + "@example.com", "to").has_value());
    EXPECT_FALSE(Address::parse("a@" + std::string(64, 'b') + ".com", "to").has_value());
    std::string long_domain;
    for (int i = 0; i < 5; ++i)
        long_domain += std::string(60, 'c') + ".";
    EXPECT_FALSE(Address::parse("a@" + long_domain + "com", "to").has_value());
}

TEST(Address, RejectsInvalidUtf8) {
    const Error error = rejected("J\xC3 <j@example.com>");
    EXPECT_NE(error.message.find("UTF-8"), std::string::npos) << error.message;
}

TEST(Address, ParseListHonoursQuotesAndAngles) {
    auto list = Address::parse_list(
        R"("Doe, Jane" <jane@example.com>, bob@example.com ,, <"odd,local"@example.com>)", "cc");
    ASSERT_TRUE(list.has_value()) << list.error().message;
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0], (Address{"Doe, Jane", "jane", "example.com"}));
    EXPECT_EQ((*list)[1], (Address{"", "bob", "example.com"}));
    EXPECT_EQ((*list)[2], (Address{"", "\"odd,local\"", "example.com"}));
    EXPECT_TRUE(Address::parse_list("  ", "cc")->empty());

    auto bad = Address::parse_list("a@example.com, broken", "cc");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().field, "cc");
    EXPECT_NE(bad.error().message.find("\"broken\""), std::string::npos) << bad.error().message;
    EXPECT_FALSE(Address::parse_list("a@example.com,\r\nBcc: x@example.com", "cc").has_value());
}

TEST(Address, HeaderValueIsAsciiAndQuotesOrEncodesTheName) {
    EXPECT_EQ((Address{"", "jane", "example.com"}).header_value(), "jane@example.com");
    EXPECT_EQ((Address{"Jane Doe", "jane", "example.com"}).header_value(),
              "Jane Doe <jane@example.com>");
    EXPECT_EQ((Address{"Boritrade [DEVSERVER]", "noreply", "boritrade.net"}).header_value(),
              "\"Boritrade [DEVSERVER]\" <noreply@boritrade.net>");
    EXPECT_EQ((Address{R"(Doe, Jane "JD" \o/)", "jane", "example.com"}).header_value(),
              R"("Doe, Jane \"JD\" \\o/" <jane@example.com>)");
    EXPECT_EQ((Address{"John Q. Public", "john", "example.com"}).header_value(),
              "\"John Q. Public\" <john@example.com>");
    EXPECT_EQ((Address{"J\xC3\xB6rg", "joerg",
                       "b\xC3\xBC"
                       "cher.de"})
                  .header_value(),
              "=?utf-8?b?SsO2cmc=?= <joerg@xn--bcher-kva.de>");
    EXPECT_EQ((Address{"=?utf-8?q?fake?=", "a", "example.com"}).header_value(),
              "=?utf-8?b?PT91dGYtOD9xP2Zha2U/PQ==?= <a@example.com>");
}

TEST(Address, ToStringIsHumanAndParsesBack) {
    for (const Address& address : {
             Address{"", "jane", "example.com"},
             Address{"Jane Doe", "jane", "example.com"},
             Address{"J\xC3\xB6rg M\xC3\xBCller", "joerg",
                     "b\xC3\xBC"
                     "cher.de"},
             Address{R"(Doe, Jane "JD")", "jane", "example.com"},
             Address{"Boritrade [DEVSERVER]", "noreply", "boritrade.net"},
         }) {
        EXPECT_EQ(parsed(address.to_string()), address) << address.to_string();
    }
    EXPECT_EQ((Address{"J\xC3\xB6rg", "joerg", "example.de"}).to_string(),
              "J\xC3\xB6rg <joerg@example.de>");
}

TEST(Address, EnvelopeUsesPunycodeDomain) {
    EXPECT_EQ(parsed("Shop <shop@b\xC3\xBC"
                     "cher.de>")
                  .envelope()
                  .value(),
              "shop@xn--bcher-kva.de");
    EXPECT_EQ(parsed("x@M\xC3\x9CNCHEN.de").envelope().value(), "x@xn--mnchen-3ya.de");
    EXPECT_EQ(parsed("jane@Example.COM").envelope().value(), "jane@Example.COM");
    // UTS #46 non-transitional: "ß" stays (IDNA 2008), it is not mapped to "ss".
    EXPECT_EQ(parsed("a@fa\xC3\x9F.de").envelope().value(), "a@xn--fa-hia.de");
}

TEST(Address, ValidateChecksFieldByFieldValues) {
    EXPECT_TRUE((Address{"Jane", "jane", "example.com"}).validate("to").has_value());
    auto injected = Address{"Eve\r\nBcc: x@example.com", "eve", "example.com"}.validate("cc");
    ASSERT_FALSE(injected.has_value());
    EXPECT_EQ(injected.error().field, "cc");
    EXPECT_NE(injected.error().message.find("\\r\\nBcc"), std::string::npos)
        << injected.error().message;
    EXPECT_FALSE((Address{"", "eve\n", "example.com"}).validate("to").has_value());
    EXPECT_FALSE((Address{"", "eve", "example.com\r\nX: y"}).validate("to").has_value());
    EXPECT_FALSE((Address{"", "", ""}).validate("to").has_value());
    auto envelope = Address{"", "eve", "bad domain"}.envelope("from");
    ASSERT_FALSE(envelope.has_value());
    EXPECT_EQ(envelope.error().field, "from");
}

}  // namespace
}  // namespace txmail::mail
