#include "txmail/transport/graph_protocol.h"

#include <gtest/gtest.h>

#include "txmail/util/base64.h"

namespace txmail::transport::graph {
namespace {

using namespace std::chrono_literals;

mail::RenderedMessage rendered(std::string headers, std::vector<std::string> recipients) {
    return {.envelope = {.sender = "noreply@boritrade.net", .recipients = std::move(recipients)},
            .message_id = "abc@boritrade.net",
            .subject = "Welcome",
            .bytes = std::move(headers) + "\r\nHello\r\n"};
}

TEST(SendMailUrl, EncodesTheMailboxAsOnePathSegment) {
    EXPECT_EQ(send_mail_url("https://graph.microsoft.com", "noreply@boritrade.net"),
              "https://graph.microsoft.com/v1.0/users/noreply%40boritrade.net/sendMail");
    EXPECT_EQ(send_mail_url("http://127.0.0.1:8080/", "a/b?c@d"),
              "http://127.0.0.1:8080/v1.0/users/a%2Fb%3Fc%40d/sendMail");
}

TEST(WithBccHeader, LeavesAMessageWhoseHeadersNameEveryRecipientAlone) {
    auto message = rendered(
        "From: Boritrader <noreply@boritrade.net>\r\n"
        "To: \"Doe, Jane\" <Jane@Example.com>,\r\n bob@example.com\r\n"
        "Cc: Team: carol@example.com, dave@example.com;\r\n"
        "Subject: Welcome\r\n",
        {"jane@example.com", "bob@example.com", "carol@example.com", "dave@example.com"});
    EXPECT_EQ(with_bcc_header(message), message.bytes);
}

// Graph takes recipients from the headers; the rendered bytes never carry Bcc.
TEST(WithBccHeader, PutsBackRecipientsThatOnlyTheEnvelopeNames) {
    auto message = rendered(
        "From: noreply@boritrade.net\r\n"
        "To: \"x@hidden.example <trap>\" <jane@example.com>\r\n"
        "Subject: Welcome\r\n",
        {"jane@example.com", "audit@boritrade.net", "x@hidden.example"});
    const std::string sent = with_bcc_header(message);
    EXPECT_EQ(sent, "Bcc: audit@boritrade.net,\r\n x@hidden.example\r\n" + message.bytes);
}

TEST(WithBccHeader, LooksAtTheHeaderBlockOnly) {
    auto message = rendered("From: noreply@boritrade.net\r\nTo: jane@example.com\r\n",
                            {"jane@example.com", "bob@example.com"});
    message.bytes += "To: bob@example.com\r\n";  // in the body, not a header
    EXPECT_TRUE(with_bcc_header(message).starts_with("Bcc: bob@example.com\r\n"));
}

TEST(SendMailBody, IsTheBase64OfTheWholeMessage) {
    auto message = rendered("To: jane@example.com\r\n", {"jane@example.com"});
    auto body = send_mail_body(message, 4 * 1024 * 1024);
    ASSERT_TRUE(body);
    EXPECT_EQ(base64_decode(*body).value(), message.bytes);
}

TEST(SendMailBody, OverTheRequestLimitIsPermanentAndNamesTheSizes) {
    auto message = rendered("To: jane@example.com\r\n", {"jane@example.com"});
    message.bytes += std::string(3000, 'x');
    const std::size_t encoded = base64_encoded_size(message.bytes.size());
    ASSERT_TRUE(send_mail_body(message, encoded));
    auto over = send_mail_body(message, encoded - 1);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().kind, ErrorKind::permanent);
    EXPECT_NE(over.error().message.find(std::to_string(message.bytes.size()) + " bytes, " +
                                        std::to_string(encoded) + " as base64"),
              std::string::npos);
    EXPECT_NE(over.error().message.find("at most " + std::to_string(encoded - 1)),
              std::string::npos);
}

TEST(ParseRetryAfter, SecondsOrAnHttpDate) {
    const auto now = std::chrono::system_clock::from_time_t(1'794'560'400);  // 2026-11-13 09:00 UTC
    EXPECT_EQ(parse_retry_after("30", now), 30s);
    EXPECT_EQ(parse_retry_after("0", now), 0s);
    EXPECT_EQ(parse_retry_after("Fri, 13 Nov 2026 09:02:00 GMT", now), 120s);
    EXPECT_EQ(parse_retry_after("Fri, 13 Nov 2026 08:00:00 GMT", now), 0s);  // in the past
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
}

TEST(ClassifyResponse, AcceptedWith202) {
    auto response = classify_response(202, "", std::nullopt, "9b0f-77aa");
    EXPECT_EQ(response.kind, Response::Kind::accepted);
    EXPECT_EQ(response.detail, "202 Accepted (request-id 9b0f-77aa)");
}

TEST(ClassifyResponse, BadRequestIsPermanentWithGraphsCodeAndMessage) {
    auto response = classify_response(
        400,
        R"({"error":{"code":"ErrorMimeContentInvalidBase64String","message":"Invalid base64 string for MIME content.","innerError":{"request-id":"r1"}}})",
        std::nullopt, "r1");
    EXPECT_EQ(response.kind, Response::Kind::failed);
    EXPECT_EQ(response.error.kind, ErrorKind::permanent);
    EXPECT_EQ(response.error.code, 400);
    EXPECT_EQ(response.error.reply,
              "ErrorMimeContentInvalidBase64String: Invalid base64 string for MIME content.");
    EXPECT_EQ(response.error.message,
              "Microsoft Graph refused the message: HTTP 400 ErrorMimeContentInvalidBase64String: "
              "Invalid base64 string for MIME content. (request-id r1)");
}

TEST(ClassifyResponse, ForbiddenIsPermanent) {
    auto response = classify_response(
        403,
        R"({"error":{"code":"ErrorAccessDenied","message":"Access is denied. Check credentials and try again."}})",
        std::nullopt, "");
    EXPECT_EQ(response.kind, Response::Kind::failed);
    EXPECT_EQ(response.error.kind, ErrorKind::permanent);
    EXPECT_EQ(response.error.reply,
              "ErrorAccessDenied: Access is denied. Check credentials and try again.");
}

TEST(ClassifyResponse, UnauthorizedAsksForANewToken) {
    auto response = classify_response(
        401,
        R"({"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}})",
        std::nullopt, "");
    EXPECT_EQ(response.kind, Response::Kind::unauthorized);
    EXPECT_EQ(response.error.kind, ErrorKind::config);
    EXPECT_EQ(response.error.code, 401);
}

TEST(ClassifyResponse, ThrottledCarriesRetryAfter) {
    for (long status : {429L, 503L}) {
        auto response = classify_response(
            status,
            R"({"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}})",
            7s, "");
        EXPECT_EQ(response.kind, Response::Kind::throttled);
        EXPECT_EQ(response.retry_after, 7s);
        EXPECT_EQ(response.error.kind, ErrorKind::transient);
        EXPECT_EQ(response.error.retry_after, 7s);  // for the outbox's retry policy
        EXPECT_NE(response.error.message.find("retry after 7 s"), std::string::npos);
    }
}

TEST(ClassifyResponse, ServerErrorsAreTransientAndNonJsonBodiesAreQuoted) {
    auto response = classify_response(502, "<html>\r\nBad Gateway</html>", std::nullopt, "");
    EXPECT_EQ(response.kind, Response::Kind::failed);
    EXPECT_EQ(response.error.kind, ErrorKind::transient);
    EXPECT_EQ(response.error.reply, "<html>  Bad Gateway</html>");
}

}  // namespace
}  // namespace txmail::transport::graph
