#include "txmail/transport/doctor_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::map<std::string, std::string> kExchangeWithPassword = {
    {"EMAIL_BACKEND", "smtp"},
    {"EMAIL_HOST", "smtp.office365.com"},
    {"EMAIL_PORT", "587"},
    {"EMAIL_USE_TLS", "True"},
    {"EMAIL_HOST_USER", "noreply@boritrade.net"},
    {"EMAIL_HOST_PASSWORD", "app-password-123"},
    {"DEFAULT_FROM_EMAIL", "Boritrader <noreply@boritrade.net>"},
};

config::Settings settings_with(std::map<std::string, std::string> values,
                               const std::map<std::string, std::string>& changes = {}) {
    for (const auto& [name, value] : changes)
        values[name] = value;
    return config::Settings::from_map(values);
}

TEST(ReadDoctorTarget, ExchangeOnlineWithAPassword) {
    auto target = read_doctor_target(settings_with(kExchangeWithPassword));
    ASSERT_TRUE(target) << target.error().describe();
    EXPECT_EQ(target->backend, "smtp");
    EXPECT_EQ(target->endpoint.host, "smtp.office365.com");
    EXPECT_EQ(target->endpoint.port, 587);
    EXPECT_EQ(target->tls, SmtpTls::starttls);
    EXPECT_EQ(target->user, "noreply@boritrade.net");
    EXPECT_EQ(target->password, "app-password-123");
    EXPECT_FALSE(target->oauth);
    EXPECT_EQ(target->from_envelope, "noreply@boritrade.net");
    EXPECT_EQ(target->summary,
              "smtp to smtp.office365.com:587 with STARTTLS, password as noreply@boritrade.net, "
              "From noreply@boritrade.net");
    EXPECT_THAT(target->summary, Not(HasSubstr("app-password-123")));
}

TEST(ReadDoctorTarget, ExchangeOnlineRefusesPort465AndPlainText) {
    auto implicit = read_doctor_target(settings_with(
        kExchangeWithPassword,
        {{"EMAIL_PORT", "465"}, {"EMAIL_USE_TLS", "False"}, {"EMAIL_USE_SSL", "True"}}));
    ASSERT_FALSE(implicit);
    EXPECT_EQ(implicit.error().field, "EMAIL_USE_SSL");
    EXPECT_THAT(implicit.error().message, HasSubstr("use EMAIL_PORT=587 with EMAIL_USE_TLS=True"));

    auto clear =
        read_doctor_target(settings_with(kExchangeWithPassword, {{"EMAIL_USE_TLS", "False"}}));
    ASSERT_FALSE(clear);
    EXPECT_EQ(clear.error().field, "EMAIL_USE_TLS");
}

TEST(ReadDoctorTarget, TheSenderMustBeAnAddress) {
    auto from = read_doctor_target(
        settings_with(kExchangeWithPassword, {{"DEFAULT_FROM_EMAIL", "not an address"}}));
    ASSERT_FALSE(from);
    EXPECT_EQ(from.error().field, "DEFAULT_FROM_EMAIL");
}

const std::map<std::string, std::string> kOAuth = {
    {"EMAIL_HOST_PASSWORD", ""},
    {"EMAIL_OAUTH2_TENANT_ID", "contoso.onmicrosoft.com"},
    {"EMAIL_OAUTH2_CLIENT_ID", "11111111-2222-3333-4444-555555555555"},
    {"EMAIL_OAUTH2_CLIENT_SECRET", "client-secret-xyz"},
};

std::map<std::string, std::string> merged(std::map<std::string, std::string> base,
                                          const std::map<std::string, std::string>& more) {
    for (const auto& [name, value] : more)
        base[name] = value;
    return base;
}

TEST(ReadDoctorTarget, OAuthSignsInWithXoauth2AsTheMailbox) {
    auto target = read_doctor_target(settings_with(merged(kExchangeWithPassword, kOAuth)));
    ASSERT_TRUE(target) << target.error().describe();
    ASSERT_TRUE(target->oauth);
    EXPECT_EQ(target->oauth->scope, "https://outlook.office365.com/.default");
    EXPECT_EQ(target->oauth->token_url,
              "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    EXPECT_THAT(target->summary, HasSubstr("OAuth 2.0 (XOAUTH2) as noreply@boritrade.net"));
    EXPECT_THAT(target->summary, Not(HasSubstr("client-secret-xyz")));

    auto no_mailbox = read_doctor_target(
        settings_with(merged(kExchangeWithPassword, kOAuth), {{"EMAIL_HOST_USER", ""}}));
    ASSERT_FALSE(no_mailbox);
    EXPECT_EQ(no_mailbox.error().field, "EMAIL_HOST_USER");
}

TEST(ReadDoctorTarget, IncompleteOAuthNamesWhatIsMissing) {
    auto target = read_doctor_target(
        settings_with(merged(kExchangeWithPassword, kOAuth), {{"EMAIL_OAUTH2_CLIENT_SECRET", ""}}));
    ASSERT_FALSE(target);
    EXPECT_THAT(target.error().describe(), HasSubstr("EMAIL_OAUTH2_CLIENT_SECRET"));
}

TEST(ReadDoctorTarget, GraphTakesTheHostAndPortFromTheUrl) {
    const auto graph =
        merged(kOAuth, {{"EMAIL_BACKEND", "graph"}, {"EMAIL_HOST_USER", "noreply@boritrade.net"}});
    auto standard = read_doctor_target(settings_with(graph));
    ASSERT_TRUE(standard) << standard.error().describe();
    EXPECT_EQ(standard->endpoint.host, "graph.microsoft.com");
    EXPECT_EQ(standard->endpoint.port, 443);
    EXPECT_EQ(standard->tls, SmtpTls::implicit);
    EXPECT_EQ(standard->oauth->scope, "https://graph.microsoft.com/.default");

    auto stand_in = read_doctor_target(
        settings_with(graph, {{"EMAIL_GRAPH_URL", "http://127.0.0.1:8443/prefix"}}));
    ASSERT_TRUE(stand_in) << stand_in.error().describe();
    EXPECT_EQ(stand_in->endpoint.host, "127.0.0.1");
    EXPECT_EQ(stand_in->endpoint.port, 8443);
    EXPECT_EQ(stand_in->tls, SmtpTls::none);

    auto v6 = read_doctor_target(settings_with(graph, {{"EMAIL_GRAPH_URL", "https://[::1]:9000"}}));
    ASSERT_TRUE(v6) << v6.error().describe();
    EXPECT_EQ(v6->endpoint.host, "::1");
    EXPECT_EQ(v6->endpoint.port, 9000);

    auto clear =
        read_doctor_target(settings_with(graph, {{"EMAIL_GRAPH_URL", "http://graph.example.com"}}));
    ASSERT_FALSE(clear);
    EXPECT_EQ(clear.error().field, "EMAIL_GRAPH_URL");
}

TEST(ReadDoctorTarget, OtherBackendsHaveNoServer) {
    auto target = read_doctor_target(settings_with({{"EMAIL_BACKEND", "memory"}}));
    ASSERT_TRUE(target) << target.error().describe();
    EXPECT_EQ(target->backend, "memory");
    EXPECT_THAT(target->summary, HasSubstr("memory backend (no server to check)"));
}

TEST(ChooseMechanism, OAuthNeedsXoauth2) {
    EXPECT_EQ(choose_mechanism({"LOGIN", "XOAUTH2"}, true).value(), AuthMechanism::xoauth2);
    auto missing = choose_mechanism({"LOGIN", "PLAIN"}, true);
    ASSERT_FALSE(missing);
    EXPECT_THAT(missing.error().message, HasSubstr("does not offer AUTH XOAUTH2"));
}

TEST(ChooseMechanism, PasswordPrefersPlainThenLogin) {
    EXPECT_EQ(choose_mechanism({"LOGIN", "PLAIN"}, false).value(), AuthMechanism::plain);
    EXPECT_EQ(choose_mechanism({"LOGIN", "XOAUTH2"}, false).value(), AuthMechanism::login);
    EXPECT_FALSE(choose_mechanism({"XOAUTH2"}, false));
    EXPECT_FALSE(choose_mechanism({}, false));
}

TEST(SendAsNote, OnlyWhenFromIsNotTheMailbox) {
    auto same = read_doctor_target(settings_with(
        kExchangeWithPassword, {{"DEFAULT_FROM_EMAIL", "Boritrader <NoReply@Boritrade.net>"}}));
    ASSERT_TRUE(same);
    EXPECT_FALSE(send_as_note(*same));

    auto other = read_doctor_target(
        settings_with(kExchangeWithPassword, {{"DEFAULT_FROM_EMAIL", "billing@boritrade.net"}}));
    ASSERT_TRUE(other);
    const auto note = send_as_note(*other);
    ASSERT_TRUE(note);
    EXPECT_THAT(*note, HasSubstr("From billing@boritrade.net is not the mailbox "
                                 "noreply@boritrade.net"));
    EXPECT_THAT(*note, HasSubstr("Send As"));
}

}  // namespace
}  // namespace txmail::transport
