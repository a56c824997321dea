#include "txmail/transport/smtp_options.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_directory.h"
#include "txmail/config/settings.h"

namespace txmail::transport {
namespace {

constexpr std::string_view kPassword = "hunter2-never-shown";

Result<SmtpOptions> load(const std::map<std::string, std::string>& values) {
    return load_smtp_options(config::Settings::from_map(values));
}

Error load_error(const std::map<std::string, std::string>& values) {
    auto options = load(values);
    EXPECT_FALSE(options) << "expected an error";
    Error error = options ? Error{} : options.error();
    EXPECT_EQ(error.describe().find(kPassword), std::string::npos) << error.describe();
    return error;
}

TEST(SmtpOptions, DefaultsArePlainPort25WithoutAuthentication) {
    auto options = load({});
    ASSERT_TRUE(options) << options.error().describe();
    EXPECT_EQ(options->host, "localhost");
    EXPECT_EQ(options->port, 25);
    EXPECT_EQ(options->tls, SmtpTls::none);
    EXPECT_FALSE(options->authenticates());
    EXPECT_EQ(options->url(), "smtp://localhost:25");
    EXPECT_EQ(options->timeout, std::chrono::seconds(30));
}

TEST(SmtpOptions, UseTlsIsStartTlsAndUseSslIsImplicitTls) {
    auto starttls = load({{"EMAIL_HOST", "smtp.office365.com"},
                          {"EMAIL_PORT", "587"},
                          {"EMAIL_USE_TLS", "True"},
                          {"EMAIL_HOST_USER", "noreply@example.com"},
                          {"EMAIL_HOST_PASSWORD", std::string(kPassword)}});
    ASSERT_TRUE(starttls) << starttls.error().describe();
    EXPECT_EQ(starttls->tls, SmtpTls::starttls);
    EXPECT_EQ(starttls->url(), "smtp://smtp.office365.com:587");
    EXPECT_EQ(starttls->summary(),
              "smtp.office365.com:587 with STARTTLS, password as noreply@example.com");

    auto implicit = load(
        {{"EMAIL_HOST", "mail.example.com"}, {"EMAIL_PORT", "465"}, {"EMAIL_USE_SSL", "true"}});
    ASSERT_TRUE(implicit) << implicit.error().describe();
    EXPECT_EQ(implicit->tls, SmtpTls::implicit);
    EXPECT_EQ(implicit->url(), "smtps://mail.example.com:465");
}

TEST(SmtpOptions, BothTlsSettingsAreAnErrorAsInDjango) {
    const Error error = load_error({{"EMAIL_USE_TLS", "True"}, {"EMAIL_USE_SSL", "1"}});
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.field, "EMAIL_USE_SSL");
    EXPECT_NE(error.message.find("EMAIL_USE_TLS=True and EMAIL_USE_SSL=1 are mutually exclusive"),
              std::string::npos)
        << error.message;
}

TEST(SmtpOptions, AUserWithoutPasswordOrOAuthIsAnErrorAtStartUp) {
    const Error error =
        load_error({{"EMAIL_USE_TLS", "True"}, {"EMAIL_HOST_USER", "noreply@example.com"}});
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.field, "EMAIL_HOST_PASSWORD");
    EXPECT_NE(error.message.find("\"noreply@example.com\" has no password"), std::string::npos);
}

TEST(SmtpOptions, APasswordWithoutUserIsAnError) {
    const Error error =
        load_error({{"EMAIL_USE_TLS", "True"}, {"EMAIL_HOST_PASSWORD", std::string(kPassword)}});
    EXPECT_EQ(error.field, "EMAIL_HOST_USER");
}

TEST(SmtpOptions, PlainTextAuthIsRefusedUnlessTheHostIsLoopback) {
    const Error error = load_error({{"EMAIL_HOST", "relay.example.com"},
                                    {"EMAIL_HOST_USER", "app"},
                                    {"EMAIL_HOST_PASSWORD", std::string(kPassword)}});
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.field, "EMAIL_USE_TLS");
    EXPECT_NE(error.message.find("\"relay.example.com\" is not loopback"), std::string::npos);

    for (const char* loopback : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
        auto options = load({{"EMAIL_HOST", loopback},
                             {"EMAIL_HOST_USER", "app"},
                             {"EMAIL_HOST_PASSWORD", std::string(kPassword)}});
        EXPECT_TRUE(options) << loopback << ": " << options.error().describe();
    }
    // Names that merely resolve to loopback are not trusted to stay local.
    EXPECT_FALSE(load({{"EMAIL_HOST", "127.0.0.1.nip.io"},
                       {"EMAIL_HOST_USER", "app"},
                       {"EMAIL_HOST_PASSWORD", std::string(kPassword)}}));
}

TEST(SmtpOptions, PlainTextWithoutAuthToARelayIsAllowed) {
    auto options = load({{"EMAIL_HOST", "relay.internal"}, {"EMAIL_PORT", "25"}});
    ASSERT_TRUE(options) << options.error().describe();
    EXPECT_EQ(options->summary(), "relay.internal:25 with no TLS, no authentication");
}

TEST(SmtpOptions, BadPortAndHostNameTheValue) {
    EXPECT_EQ(load_error({{"EMAIL_PORT", "70000"}}).message,
              "EMAIL_PORT \"70000\" must be 1 to 65535");
    EXPECT_EQ(load_error({{"EMAIL_PORT", "smtp"}}).field, "EMAIL_PORT");
    EXPECT_EQ(load_error({{"EMAIL_HOST", "smtp://x"}}).message,
              "EMAIL_HOST \"smtp://x\" is not a host name or address");
}

TEST(SmtpOptions, TimeoutIsSecondsWithFractions) {
    auto options = load({{"EMAIL_TIMEOUT", "2.5"}});
    ASSERT_TRUE(options) << options.error().describe();
    EXPECT_EQ(options->timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(load_error({{"EMAIL_TIMEOUT", "soon"}}).field, "EMAIL_TIMEOUT");
    EXPECT_EQ(load_error({{"EMAIL_TIMEOUT", "0"}}).field, "EMAIL_TIMEOUT");
}

TEST(SmtpOptions, CertificateFilesMustBeReadableAtStartUp) {
    testing::TempDirectory dir;
    const auto ca = (dir.path() / "ca.pem").string();
    std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
    auto options = load({{"EMAIL_USE_TLS", "True"}, {"EMAIL_SSL_CAFILE", ca}});
    ASSERT_TRUE(options) << options.error().describe();
    EXPECT_EQ(options->ca_file, ca);

    const auto missing = (dir.path() / "missing.pem").string();
    const Error error = load_error({{"EMAIL_USE_TLS", "True"}, {"EMAIL_SSL_CAFILE", missing}});
    EXPECT_EQ(error.field, "EMAIL_SSL_CAFILE");
    EXPECT_EQ(error.message,
              "EMAIL_SSL_CAFILE \"" + missing + "\" cannot be read: No such file or directory");
}

TEST(SmtpOptions, TlsFilesWithoutTlsAndKeyWithoutCertificateAreErrors) {
    testing::TempDirectory dir;
    const auto key = (dir.path() / "client.key").string();
    std::ofstream(key) << "key";
    EXPECT_EQ(load_error({{"EMAIL_SSL_KEYFILE", key}}).field, "EMAIL_SSL_KEYFILE");
    EXPECT_EQ(load_error({{"EMAIL_USE_SSL", "True"}, {"EMAIL_SSL_KEYFILE", key}}).field,
              "EMAIL_SSL_CERTFILE");
}

TEST(SmtpOptions, ExchangeOnlineRulesApplyToItsHost) {
    const std::map<std::string, std::string> base = {
        {"EMAIL_HOST", "smtp.office365.com"},
        {"EMAIL_HOST_USER", "noreply@example.com"},
        {"EMAIL_HOST_PASSWORD", std::string(kPassword)}};
    auto implicit = base;
    implicit["EMAIL_USE_SSL"] = "True";
    implicit["EMAIL_PORT"] = "465";
    EXPECT_EQ(load_error(implicit).field, "EMAIL_USE_SSL");
    auto plain = base;
    plain["EMAIL_HOST_USER"] = "";
    plain["EMAIL_HOST_PASSWORD"] = "";
    EXPECT_EQ(load_error(plain).field, "EMAIL_USE_TLS");
}

TEST(SmtpOptions, OAuthSignsInAsTheMailboxWithoutAPassword) {
    std::map<std::string, std::string> values = {
        {"EMAIL_HOST", "smtp.office365.com"},
        {"EMAIL_PORT", "587"},
        {"EMAIL_USE_TLS", "True"},
        {"EMAIL_HOST_USER", "noreply@example.com"},
        {"EMAIL_OAUTH2_TENANT_ID", "contoso.onmicrosoft.com"},
        {"EMAIL_OAUTH2_CLIENT_ID", "00000000-0000-0000-0000-000000000001"},
        {"EMAIL_OAUTH2_CLIENT_SECRET", std::string(kPassword)}};
    auto options = load(values);
    ASSERT_TRUE(options) << options.error().describe();
    ASSERT_TRUE(options->oauth);
    EXPECT_EQ(options->summary(),
              "smtp.office365.com:587 with STARTTLS, OAuth 2.0 (XOAUTH2) as noreply@example.com");
    values.erase("EMAIL_HOST_USER");
    EXPECT_EQ(load_error(values).field, "EMAIL_HOST_USER");
}

TEST(SmtpOptions, Ipv6LiteralsAreBracketedInTheUrl) {
    auto options = load({{"EMAIL_HOST", "::1"}, {"EMAIL_PORT", "2525"}});
    ASSERT_TRUE(options) << options.error().describe();
    EXPECT_EQ(options->url(), "smtp://[::1]:2525");
}

}  // namespace
}  // namespace txmail::transport
