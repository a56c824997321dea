#include "txmail/transport/smtp_reply.h"

#include <gtest/gtest.h>

namespace txmail::transport {
namespace {

TEST(SmtpReplyReader, ReadsASingleLineReply) {
    SmtpReplyReader reader;
    reader.feed("250 2.0.0 Ok: queued as 4XYZ\r\n");
    ASSERT_TRUE(reader.last());
    EXPECT_EQ(reader.last()->code, 250);
    EXPECT_EQ(reader.last()->enhanced_status(), "2.0.0");
    EXPECT_EQ(reader.last()->text(), "250 2.0.0 Ok: queued as 4XYZ");
}

TEST(SmtpReplyReader, JoinsAMultiLineReplyFedOneByteAtATime) {
    SmtpReplyReader reader;
    const std::string wire =
        "535-5.7.139 Authentication unsuccessful, the user credentials were\r\n"
        "535 5.7.139 incorrect. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]\r\n";
    for (char c : wire)
        reader.feed(std::string_view(&c, 1));
    ASSERT_TRUE(reader.last());
    EXPECT_EQ(reader.replies().size(), 1u);
    EXPECT_EQ(reader.last()->code, 535);
    EXPECT_EQ(reader.last()->lines.size(), 2u);
    EXPECT_EQ(reader.last()->enhanced_status(), "5.7.139");
    EXPECT_EQ(reader.last()->text(),
              "535-5.7.139 Authentication unsuccessful, the user credentials were\n"
              "535 5.7.139 incorrect. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]");
}

TEST(SmtpReplyReader, KeepsTheLastOfSeveralReplies) {
    SmtpReplyReader reader;
    reader.feed("220 mail.example.com ESMTP\r\n250-mail.example.com\r\n250-SIZE 1000\r\n");
    EXPECT_EQ(reader.last()->code, 220);  // the EHLO reply is not complete yet
    reader.feed("250 HELP\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
    EXPECT_EQ(reader.replies().size(), 3u);
    EXPECT_EQ(reader.last()->code, 354);
    EXPECT_TRUE(reader.seen(354));
    EXPECT_TRUE(reader.seen(220));
    EXPECT_FALSE(reader.seen(250 + 1));
}

TEST(SmtpReplyReader, HandsOutPipelinedRepliesInOrder) {
    SmtpReplyReader reader;
    reader.feed("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
    EXPECT_EQ(reader.take()->code, 250);
    EXPECT_EQ(reader.take()->text(), "250 2.1.5 Ok");
    EXPECT_EQ(reader.take()->code, 354);
    EXPECT_FALSE(reader.take());
    reader.feed("250 2.0.0 Ok: queued\r\n");
    EXPECT_EQ(reader.take()->text(), "250 2.0.0 Ok: queued");
}

TEST(SmtpReplyReader, AcceptsBareLineFeedsAndCodeOnlyLines) {
    SmtpReplyReader reader;
    reader.feed("250\n");
    ASSERT_TRUE(reader.last());
    EXPECT_EQ(reader.last()->code, 250);
    EXPECT_EQ(reader.last()->text(), "250");
    EXPECT_EQ(reader.last()->enhanced_status(), "");
}

TEST(SmtpReplyReader, TheAnswerToQuitDoesNotHideTheRefusal) {
    // libcurl sends QUIT right after a refused MAIL FROM, inside the same transfer.
    SmtpReplyReader reader;
    reader.feed("550 5.7.60 SMTP; Client does not have permissions to send as this sender\r\n");
    reader.feed("221 2.0.0 Bye\r\n");
    ASSERT_TRUE(reader.last());
    EXPECT_EQ(reader.last()->code, 550);
    EXPECT_TRUE(reader.seen(221));
}

TEST(SmtpReplyReader, IgnoresLinesThatAreNotReplies) {
    SmtpReplyReader reader;
    reader.feed("hello there\r\n25\r\n2500 wrong\r\nabc 250\r\n");
    EXPECT_FALSE(reader.last());
    EXPECT_EQ(reader.replies().size(), 0u);
}

TEST(SmtpReplyReader, ResetForgetsEverythingIncludingAPartialLine) {
    SmtpReplyReader reader;
    reader.feed("354 go ahead\r\n550 5.1.1 half a li");
    reader.reset();
    EXPECT_FALSE(reader.last());
    EXPECT_FALSE(reader.seen(354));
    reader.feed("250 ok\r\n");
    EXPECT_EQ(reader.last()->text(), "250 ok");
}

TEST(SmtpReplyReader, BoundsAnEndlessLine) {
    SmtpReplyReader reader;
    const std::string endless(1 << 20, 'x');
    reader.feed("550 ");
    reader.feed(endless);
    reader.feed("\r\n");
    ASSERT_TRUE(reader.last());
    EXPECT_LT(reader.last()->text().size(), 70u * 1024);
}

TEST(SmtpReply, EnhancedStatusMustBeOfTheReplysClass) {
    EXPECT_EQ((SmtpReply{535, {"4.7.0 mismatched class"}}).enhanced_status(), "");
    EXPECT_EQ((SmtpReply{550, {"5.7.708 Access denied"}}).enhanced_status(), "5.7.708");
    EXPECT_EQ((SmtpReply{550, {"Access denied"}}).enhanced_status(), "");
    EXPECT_EQ((SmtpReply{550, {"5.7 short"}}).enhanced_status(), "");
    EXPECT_EQ((SmtpReply{550, {"5.7.1234 too long detail"}}).enhanced_status(), "");
    EXPECT_EQ((SmtpReply{451, {"4.7.500 Server busy"}}).enhanced_status(), "4.7.500");
}

TEST(Refusal, FourHundredsAreTransientFiveHundredsPermanent) {
    const Error busy = refusal({450, {"4.2.0 Mailbox busy, try later"}}, "refused");
    EXPECT_EQ(busy.kind, ErrorKind::transient);
    EXPECT_EQ(busy.code, 450);
    EXPECT_EQ(busy.enhanced_status, "4.2.0");
    EXPECT_EQ(busy.reply, "450 4.2.0 Mailbox busy, try later");

    const Error unknown = refusal({550, {"5.1.1 <x@example.com>: Recipient address rejected"}},
                                  "the server refused a recipient");
    EXPECT_EQ(unknown.kind, ErrorKind::permanent);
    EXPECT_EQ(unknown.message, "the server refused a recipient");
    EXPECT_EQ(unknown.enhanced_status, "5.1.1");
    EXPECT_EQ(unknown.describe(),
              "the server refused a recipient [550 5.1.1]: 550 5.1.1 <x@example.com>: Recipient "
              "address rejected");
}

TEST(Refusal, OutOfProtocolCodesArePermanent) {
    EXPECT_EQ(reply_kind(354), ErrorKind::permanent);
    EXPECT_EQ(reply_kind(421), ErrorKind::transient);
    EXPECT_EQ(reply_kind(600), ErrorKind::permanent);
}

}  // namespace
}  // namespace txmail::transport
