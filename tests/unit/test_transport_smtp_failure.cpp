#include "txmail/transport/smtp_failure.h"

#include <gtest/gtest.h>

#include "support/exchange_replies.h"

namespace txmail::transport {
namespace {

SmtpOptions options() {
    SmtpOptions o;
    o.host = "smtp.example.com";
    o.port = 587;
    o.tls = SmtpTls::starttls;
    o.username = "app@example.com";
    o.password = "hunter2-do-not-print";
    o.timeout = std::chrono::milliseconds(2500);
    return o;
}

SmtpTransferFailure failed(CURLcode code, std::string curl_message,
                           std::optional<SmtpReply> reply = std::nullopt) {
    SmtpTransferFailure f;
    f.curl_code = code;
    f.curl_message = std::move(curl_message);
    f.reply = std::move(reply);
    return f;
}

TEST(ClassifyFailure, AuthenticationRefusalKeepsTheServersWords) {
    const auto failure =
        failed(CURLE_LOGIN_DENIED, "Authentication failed: 535",
               SmtpReply{535, {std::string(testing::tenant_smtp_auth_disabled_text)}});
    const Error error = classify_failure(failure, options());
    EXPECT_EQ(error.kind, ErrorKind::permanent);
    EXPECT_EQ(error.code, 535);
    EXPECT_EQ(error.enhanced_status, "5.7.139");
    EXPECT_NE(error.reply.find("SmtpClientAuthentication is disabled for the Tenant"),
              std::string::npos);
    EXPECT_EQ(error.message,
              "the server refused the credentials of app@example.com (smtp.example.com:587)");
    EXPECT_EQ(error.describe().find("hunter2"), std::string::npos);
    EXPECT_TRUE(ends_batch(failure));
}

TEST(ClassifyFailure, NamesWhichCommandWasRefused) {
    EXPECT_EQ(classify_failure(failed(CURLE_SEND_ERROR, "MAIL failed: 550",
                                      SmtpReply{550,
                                                {"5.7.60 SMTP; Client does not have "
                                                 "permissions to send as this sender"}}),
                               options())
                  .message,
              "the server refused the sender (smtp.example.com:587)");
    const Error recipient = classify_failure(
        failed(CURLE_SEND_ERROR, "RCPT failed: 450", SmtpReply{450, {"4.2.1 Mailbox busy"}}),
        options());
    EXPECT_EQ(recipient.message, "the server refused a recipient (smtp.example.com:587)");
    EXPECT_EQ(recipient.kind, ErrorKind::transient);

    auto after_data = failed(CURLE_WEIRD_SERVER_REPLY, "", SmtpReply{554, {"5.6.0 Bad message"}});
    after_data.data_accepted = true;
    const Error message = classify_failure(after_data, options());
    EXPECT_EQ(message.message, "the server refused the message (smtp.example.com:587)");
    EXPECT_EQ(message.kind, ErrorKind::permanent);
    EXPECT_FALSE(ends_batch(after_data));
}

TEST(ClassifyFailure, AReplyThatIsNotARefusalDoesNotHideTheNetworkError) {
    // The last reply was the 250 to EHLO; then the connection broke.
    const Error error = classify_failure(
        failed(CURLE_RECV_ERROR, "Recv failure: Connection reset by peer", SmtpReply{250, {"OK"}}),
        options());
    EXPECT_EQ(error.kind, ErrorKind::transient);
    EXPECT_EQ(error.code, 0);
    EXPECT_EQ(error.message,
              "connection to smtp.example.com:587 lost before the message was sent: Recv "
              "failure: Connection reset by peer");
}

TEST(ClassifyFailure, ALostConnectionAfterDataSaysDeliveryIsUnknown) {
    auto failure = failed(CURLE_SEND_ERROR, "Failed sending data to the peer");
    failure.data_accepted = true;
    const Error error = classify_failure(failure, options());
    EXPECT_EQ(error.kind, ErrorKind::transient);
    EXPECT_NE(error.message.find("during or after the message data"), std::string::npos);
}

TEST(ClassifyFailure, TimeoutIsTransientAndNamesTheSetting) {
    const auto failure = failed(CURLE_OPERATION_TIMEDOUT, "Operation timed out after 3000 ms");
    const Error error = classify_failure(failure, options());
    EXPECT_EQ(error.kind, ErrorKind::transient);
    EXPECT_EQ(error.message, "no answer from smtp.example.com:587 within 2.5 s (EMAIL_TIMEOUT)");
    EXPECT_TRUE(ends_batch(failure));
}

TEST(ClassifyFailure, MissingStartTlsIsAConfigErrorAndNothingWasSent) {
    const auto failure = failed(CURLE_USE_SSL_FAILED, "STARTTLS not supported.",
                                SmtpReply{250, {"mail.example.com", "AUTH PLAIN LOGIN"}});
    const Error error = classify_failure(failure, options());
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.field, "EMAIL_USE_TLS");
    EXPECT_NE(error.message.find("does not offer STARTTLS"), std::string::npos);
    EXPECT_TRUE(ends_batch(failure));
}

TEST(ClassifyFailure, CertificateThatDoesNotVerifyPointsAtTheCaSetting) {
    const Error error =
        classify_failure(failed(CURLE_PEER_FAILED_VERIFICATION,
                                "SSL certificate problem: unable to get local issuer certificate"),
                         options());
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.field, "EMAIL_SSL_CAFILE");
    EXPECT_NE(error.message.find("set EMAIL_SSL_CAFILE"), std::string::npos);
}

TEST(ClassifyFailure, UnreachableServerIsTransient) {
    const Error error = classify_failure(
        failed(CURLE_COULDNT_CONNECT, "Failed to connect to smtp.example.com port 587"), options());
    EXPECT_EQ(error.kind, ErrorKind::transient);
    EXPECT_EQ(
        classify_failure(failed(CURLE_COULDNT_RESOLVE_HOST, "Could not resolve host"), options())
            .field,
        "EMAIL_HOST");
}

TEST(ClassifyFailure, UnknownLibcurlTroubleIsInternal) {
    EXPECT_EQ(classify_failure(failed(CURLE_OUT_OF_MEMORY, "out of memory"), options()).kind,
              ErrorKind::internal);
}

TEST(RetryOnFreshConnection, OnlyForAReusedConnectionThatDiedBeforeData) {
    auto reset = failed(CURLE_RECV_ERROR, "Connection died");
    reset.reused_connection = true;
    EXPECT_TRUE(retry_on_fresh_connection(reset));

    auto fresh = reset;
    fresh.reused_connection = false;
    EXPECT_FALSE(retry_on_fresh_connection(fresh));

    auto after_data = reset;
    after_data.data_accepted = true;
    EXPECT_FALSE(retry_on_fresh_connection(after_data));

    auto timeout = reset;
    timeout.curl_code = CURLE_OPERATION_TIMEDOUT;
    EXPECT_FALSE(retry_on_fresh_connection(timeout));
}

TEST(RetryOnFreshConnection, A421OnAReusedConnectionIsRetriedOtherRefusalsAreNot) {
    auto closing = failed(CURLE_SEND_ERROR, "MAIL failed: 421",
                          SmtpReply{421, {"4.4.2 Idle timeout, closing connection"}});
    closing.reused_connection = true;
    EXPECT_TRUE(retry_on_fresh_connection(closing));
    EXPECT_FALSE(ends_batch(closing));

    auto refused = failed(CURLE_SEND_ERROR, "RCPT failed: 550", SmtpReply{550, {"5.1.1 no"}});
    refused.reused_connection = true;
    EXPECT_FALSE(retry_on_fresh_connection(refused));
    EXPECT_FALSE(ends_batch(refused));

    auto closing_fresh = closing;
    closing_fresh.reused_connection = false;
    EXPECT_FALSE(retry_on_fresh_connection(closing_fresh));
    EXPECT_TRUE(ends_batch(closing_fresh));
}

}  // namespace
}  // namespace txmail::transport
