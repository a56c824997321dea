// The SMTP backend without a server: what it does when there is nobody to talk to. Its behaviour
// against real servers (aiosmtpd, postfix's smtp-sink) is in tests/integration/test_smtp_*.py.
#include "txmail/transport/smtp_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/rendered_messages.h"
#include "txmail/config/settings.h"

namespace txmail::transport {
namespace {

// A loopback port nothing listens on: bound, then released.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

SmtpOptions unreachable() {
    SmtpOptions options;
    options.host = "127.0.0.1";
    options.port = closed_port();
    options.timeout = std::chrono::seconds(5);
    return options;
}

TEST(SmtpBackend, NoServerIsTransientAndEndsTheBatchAfterOneTry) {
    SmtpBackend backend(unreachable());
    std::vector<mail::RenderedMessage> batch = {testing::rendered_message("1"),
                                                testing::rendered_message("2"),
                                                testing::rendered_message("3")};
    auto results = backend.send_messages(batch);
    ASSERT_EQ(results.size(), 3u);
    for (const auto& result : results) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().kind, ErrorKind::transient) << result.error().describe();
    }
    EXPECT_NE(results[0].error().message.find("cannot connect to 127.0.0.1:"), std::string::npos)
        << results[0].error().message;
    EXPECT_TRUE(results[1].error().message.starts_with("not attempted"));
    EXPECT_EQ(backend.connections_opened(), 0u);
}

TEST(SmtpBackend, AMessageWithoutRecipientIsRefusedBeforeAnyConnection) {
    SmtpBackend backend(unreachable());
    auto message = testing::rendered_message();
    message.envelope.recipients.clear();
    auto result = backend.send(message);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "to");
    EXPECT_EQ(result.error().kind, ErrorKind::permanent);
}

TEST(SmtpBackend, OAuthWithoutATokenSourceCannotOpen) {
    SmtpOptions options = unreachable();
    options.username = "noreply@example.com";
    options.oauth = microsoft365::OAuthSettings{};
    SmtpBackend backend(options);
    auto opened = backend.open();
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, ErrorKind::internal);
}

TEST(MakeSmtpBackend, ChecksTheSettingsAtStartUp) {
    auto bad = make_smtp_backend(
        config::Settings::from_map({{"EMAIL_USE_TLS", "True"}, {"EMAIL_USE_SSL", "True"}}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, ErrorKind::config);

    auto good = make_smtp_backend(config::Settings::from_map(
        {{"EMAIL_HOST", "127.0.0.1"}, {"EMAIL_PORT", "2525"}, {"EMAIL_USE_TLS", "True"}}));
    ASSERT_TRUE(good) << good.error().describe();
    EXPECT_EQ((*good)->name(), "smtp");
}

TEST(MakeBackend, DjangosDottedPathIsTheSmtpBackend) {
    auto backend = make_backend(config::Settings::from_map(
        {{"EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"},
         {"EMAIL_HOST", "127.0.0.1"}}));
    ASSERT_TRUE(backend) << backend.error().describe();
    EXPECT_EQ((*backend)->name(), "smtp");
}

}  // namespace
}  // namespace txmail::transport
