#include "txmail/microsoft365/oauth_settings.h"

#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::microsoft365 {
namespace {

using namespace std::chrono_literals;
using config::Settings;

Settings oauth(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> values{
        {"EMAIL_OAUTH2_TENANT_ID", "contoso.onmicrosoft.com"},
        {"EMAIL_OAUTH2_CLIENT_ID", "00000000-1111-2222-3333-444444444444"},
        {"EMAIL_OAUTH2_CLIENT_SECRET", "secret-value"},
    };
    for (auto& [name, value] : extra)
        values[name] = value;
    return Settings::from_map(values);
}

TEST(OAuthSettings, NotConfiguredWhenNoneIsSet) {
    auto loaded = load_oauth_settings(Settings::from_map({}), Api::smtp);
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(loaded->has_value());
}

TEST(OAuthSettings, ScopeFollowsTheApi) {
    auto smtp = load_oauth_settings(oauth(), Api::smtp);
    ASSERT_TRUE(smtp && *smtp);
    EXPECT_EQ((*smtp)->scope, "https://outlook.office365.com/.default");
    auto graph = require_oauth_settings(oauth(), Api::graph);
    ASSERT_TRUE(graph);
    EXPECT_EQ(graph->scope, "https://graph.microsoft.com/.default");
}

TEST(OAuthSettings, TokenUrlIsTheTenantsUnlessOverridden) {
    auto loaded = require_oauth_settings(oauth(), Api::smtp);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->token_url,
              "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    EXPECT_EQ(loaded->timeout, 30s);  // EMAIL_TIMEOUT's default

    auto overridden = require_oauth_settings(
        oauth({{"EMAIL_OAUTH2_TOKEN_URL", "http://127.0.0.1:8123/t/oauth2/v2.0/token"},
               {"EMAIL_SSL_CAFILE", "/tmp/ca.pem"},
               {"EMAIL_TIMEOUT", "2.5"}}),
        Api::smtp);
    ASSERT_TRUE(overridden) << overridden.error().describe();
    EXPECT_EQ(overridden->token_url, "http://127.0.0.1:8123/t/oauth2/v2.0/token");
    EXPECT_EQ(overridden->ca_file, "/tmp/ca.pem");
    EXPECT_EQ(overridden->timeout, 2500ms);
}

TEST(OAuthSettings, PartialSettingsNameEveryMissingOne) {
    auto partial = load_oauth_settings(
        Settings::from_map({{"EMAIL_OAUTH2_CLIENT_ID", "00000000-1111-2222-3333-444444444444"}}),
        Api::smtp);
    ASSERT_FALSE(partial);
    EXPECT_EQ(partial.error().kind, ErrorKind::config);
    EXPECT_EQ(partial.error().field, "EMAIL_OAUTH2_TENANT_ID");
    EXPECT_NE(partial.error().message.find("EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_SECRET"),
              std::string::npos);
    EXPECT_EQ(partial.error().message.find("EMAIL_OAUTH2_CLIENT_ID,"), std::string::npos);
}

TEST(OAuthSettings, GraphRequiresOAuth) {
    auto missing = require_oauth_settings(Settings::from_map({}), Api::graph);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::config);
    EXPECT_NE(missing.error().message.find("Microsoft Graph needs OAuth 2.0"), std::string::npos);
}

TEST(OAuthSettings, TenantMustBeAGuidOrADomain) {
    auto bad =
        load_oauth_settings(oauth({{"EMAIL_OAUTH2_TENANT_ID", "contoso/../evil"}}), Api::smtp);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "EMAIL_OAUTH2_TENANT_ID");
    EXPECT_NE(bad.error().message.find("\"contoso/../evil\""), std::string::npos);
    EXPECT_TRUE(load_oauth_settings(
        oauth({{"EMAIL_OAUTH2_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"}}), Api::smtp));
}

TEST(OAuthSettings, SecretIsNeverInTheErrors) {
    auto bad = load_oauth_settings(
        oauth({{"EMAIL_OAUTH2_TOKEN_URL", "http://login.example.com/token"}}), Api::smtp);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().describe().find("secret-value"), std::string::npos);
}

TEST(CheckEndpointUrl, HttpsAnywherePlainHttpOnLoopbackOnly) {
    EXPECT_TRUE(check_endpoint_url("EMAIL_GRAPH_URL", "https://graph.microsoft.com"));
    EXPECT_TRUE(check_endpoint_url("EMAIL_GRAPH_URL", "http://127.0.0.1:9000"));
    EXPECT_TRUE(check_endpoint_url("EMAIL_GRAPH_URL", "http://localhost:9000/"));
    EXPECT_TRUE(check_endpoint_url("EMAIL_GRAPH_URL", "http://[::1]:9000/"));
    auto remote = check_endpoint_url("EMAIL_GRAPH_URL", "http://graph.example.com");
    ASSERT_FALSE(remote);
    EXPECT_EQ(remote.error().field, "EMAIL_GRAPH_URL");
    EXPECT_NE(remote.error().message.find("https://"), std::string::npos);
    // The host is after any userinfo: "127.0.0.1@" does not make a remote host loopback.
    EXPECT_FALSE(check_endpoint_url("EMAIL_GRAPH_URL", "http://127.0.0.1@evil.example.com/"));
    EXPECT_FALSE(check_endpoint_url("EMAIL_GRAPH_URL", "ftp://graph.microsoft.com"));
    EXPECT_FALSE(check_endpoint_url("EMAIL_GRAPH_URL", "https:///v1.0"));
}

}  // namespace
}  // namespace txmail::microsoft365
