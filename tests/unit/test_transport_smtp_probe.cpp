#include "txmail/transport/smtp_probe.h"

#include <gtest/gtest.h>

namespace txmail::transport {
namespace {

SmtpReply reply(int code, std::vector<std::string> lines) {
    return SmtpReply{code, std::move(lines)};
}

TEST(ParseEhlo, ExtensionsAreTheLinesAfterTheGreeting) {
    // Exchange Online before STARTTLS: no AUTH.
    const auto before =
        parse_ehlo(reply(250, {"AM0PR02CA0001.outlook.office365.com Hello [1.2.3.4]",
                               "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
                               "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}));
    EXPECT_EQ(before.lines.size(), 9u);
    EXPECT_TRUE(before.has("STARTTLS"));
    EXPECT_TRUE(before.has("starttls"));
    EXPECT_TRUE(before.has("SIZE"));
    EXPECT_FALSE(before.has("AUTH"));
    EXPECT_TRUE(before.auth_mechanisms().empty());
    // The greeting line is not an extension even when it happens to start with a keyword.
    EXPECT_FALSE(parse_ehlo(reply(250, {"STARTTLS.example.com"})).has("STARTTLS"));
}

TEST(ParseEhlo, AuthMechanismsUpperCasedAndDeduplicated) {
    const auto after = parse_ehlo(reply(
        250, {"host Hello", "AUTH LOGIN XOAUTH2", "AUTH=login", "AUTHENTICATE NOPE", "SIZE 1"}));
    EXPECT_EQ(after.auth_mechanisms(), (std::vector<std::string>{"LOGIN", "XOAUTH2"}));
    EXPECT_TRUE(after.has("auth"));
}

TEST(Sasl, PlainIsNulUserNulPassword) {
    EXPECT_EQ(sasl_plain("user", "pass"), "AHVzZXIAcGFzcw==");
}

TEST(Sasl, Xoauth2MatchesMicrosoftsExample) {
    // "Authenticate an IMAP, POP or SMTP connection using OAuth", SASL XOAUTH2 section.
    EXPECT_EQ(
        sasl_xoauth2("test@contoso.onmicrosoft.com", "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA"),
        "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFv"
        "N0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==");
}

}  // namespace
}  // namespace txmail::transport
