#include "txmail/transport/smtp_transaction.h"

#include <gtest/gtest.h>

namespace txmail::transport {
namespace {

SmtpReply ehlo(std::vector<std::string> lines) {
    lines.insert(lines.begin(), "mail.example.com Hello [192.0.2.1]");
    return {250, std::move(lines)};
}

TEST(SmtpExtensions, ReadsPipeliningAndSizeFromEhlo) {
    const auto exchange = SmtpExtensions::from_ehlo(
        ehlo({"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME",
              "BINARYMIME", "CHUNKING", "SMTPUTF8"}));
    EXPECT_TRUE(exchange.pipelining);
    EXPECT_EQ(exchange.size_limit, 157286400u);

    const auto plain = SmtpExtensions::from_ehlo(ehlo({"8BITMIME", "HELP"}));
    EXPECT_FALSE(plain.pipelining);
    EXPECT_FALSE(plain.size_limit);

    EXPECT_EQ(SmtpExtensions::from_ehlo(ehlo({"size"})).size_limit, 0u);  // no fixed limit
    // The first line is the greeting, never an extension.
    EXPECT_FALSE(SmtpExtensions::from_ehlo({250, {"PIPELINING"}}).pipelining);
}

TEST(TransactionCommands, MailRcptAndDataWithSizeWhenAnnounced) {
    SmtpExtensions extensions;
    EXPECT_EQ(transaction_commands("noreply@example.com", {"a@example.com", "b@example.com"}, 1234,
                                   extensions),
              "MAIL FROM:<noreply@example.com>\r\nRCPT TO:<a@example.com>\r\n"
              "RCPT TO:<b@example.com>\r\nDATA\r\n");
    extensions.size_limit = 0;
    EXPECT_EQ(transaction_commands("noreply@example.com", {"a@example.com"}, 1234, extensions),
              "MAIL FROM:<noreply@example.com> SIZE=1234\r\nRCPT TO:<a@example.com>\r\nDATA\r\n");
}

std::string data_of(std::string_view message) {
    std::string out = "prefix|";
    append_message_data(out, message);
    return out;
}

TEST(MessageData, DoublesDotsThatOpenALineAndEndsWithTheDot) {
    EXPECT_EQ(data_of("Subject: x\r\n\r\n.hidden\r\nfine.\r\n..\r\n.\r\nend\r\n"),
              "prefix|Subject: x\r\n\r\n..hidden\r\nfine.\r\n...\r\n..\r\nend\r\n.\r\n");
}

TEST(MessageData, ADotAtTheVeryStartAndAMissingFinalLineBreak) {
    EXPECT_EQ(data_of(".starts\r\nno break"), "prefix|..starts\r\nno break\r\n.\r\n");
    EXPECT_EQ(data_of(""), "prefix|\r\n.\r\n");
}

TEST(MessageData, LeavesEverythingElseByteForByte) {
    const std::string body = "A\r\nB \xC3\xA9\r\n\t.tab first\r\n";
    EXPECT_EQ(data_of(body), "prefix|" + body + ".\r\n");
}

}  // namespace
}  // namespace txmail::transport
