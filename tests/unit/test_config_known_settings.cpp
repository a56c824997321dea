#include "txmail/config/known_settings.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "txmail/config/settings.h"

namespace txmail::config {
namespace {

// Every name DESIGN.md "Settings" lists; the table must hold each one.
constexpr std::string_view kDesignSettings[] = {
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_TIMEOUT",
    "EMAIL_SSL_CERTFILE",
    "EMAIL_SSL_KEYFILE",
    "EMAIL_FILE_PATH",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_SSL_CAFILE",
    "EMAIL_OAUTH2_TENANT_ID",
    "EMAIL_OAUTH2_CLIENT_ID",
    "EMAIL_OAUTH2_CLIENT_SECRET",
    "EMAIL_OAUTH2_TOKEN_URL",
    "EMAIL_GRAPH_URL",
    "EMAIL_RATE_LIMIT",
    "TXMAIL_DATABASE_URL",
    "TXMAIL_LISTEN",
    "TXMAIL_API_TOKEN",
    "TXMAIL_ADMIN_TOKEN",
    "STRIPE_WEBHOOK_SECRET",
    "TXMAIL_TEMPLATE_DIR",
    "SITE_NAME",
    "SITE_URL",
    "SUPPORT_EMAIL",
    "COMPANY_NAME",
    "TXMAIL_LOG_FORMAT",
};

TEST(KnownSettings, HoldsEverySettingOfTheDesign) {
    for (std::string_view name : kDesignSettings)
        EXPECT_NE(find_known_setting(name), nullptr) << name;
    EXPECT_EQ(find_known_setting("NOT_A_SETTING"), nullptr);
}

TEST(KnownSettings, NamesAreUniqueAndDescribed) {
    std::set<std::string_view> seen;
    for (const KnownSetting& setting : known_settings()) {
        EXPECT_TRUE(seen.insert(setting.name).second) << "duplicate " << setting.name;
        EXPECT_FALSE(setting.description.empty()) << setting.name;
    }
}

TEST(KnownSettings, ExactlyTheSecretsAreSecret) {
    const std::set<std::string_view> secrets = {"EMAIL_HOST_PASSWORD", "EMAIL_OAUTH2_CLIENT_SECRET",
                                                "TXMAIL_API_TOKEN", "TXMAIL_ADMIN_TOKEN",
                                                "STRIPE_WEBHOOK_SECRET"};
    for (const KnownSetting& setting : known_settings())
        EXPECT_EQ(setting.secret, secrets.contains(setting.name)) << setting.name;
}

TEST(KnownSettings, EmbeddedDefaults) {
    auto default_of = [](std::string_view name) {
        const KnownSetting* setting = find_known_setting(name);
        return setting ? std::string(setting->default_value) : std::string("<missing>");
    };
    EXPECT_EQ(default_of("EMAIL_BACKEND"), "file");
    EXPECT_EQ(default_of("EMAIL_FILE_PATH"), "var/mail");
    EXPECT_EQ(default_of("EMAIL_HOST"), "localhost");
    EXPECT_EQ(default_of("EMAIL_PORT"), "25");
    EXPECT_EQ(default_of("EMAIL_USE_TLS"), "False");
    EXPECT_EQ(default_of("EMAIL_USE_SSL"), "False");
    EXPECT_EQ(default_of("EMAIL_TIMEOUT"), "30");
    EXPECT_EQ(default_of("DEFAULT_FROM_EMAIL"), "Boritrader <noreply@localhost>");
    EXPECT_EQ(default_of("TXMAIL_DATABASE_URL"), "sqlite:///var/txmail.db");
    EXPECT_EQ(default_of("TXMAIL_LISTEN"), "127.0.0.1:8025");
    EXPECT_EQ(default_of("SITE_NAME"), "Boritrader");
    EXPECT_EQ(default_of("COMPANY_NAME"), "Boritrade LLC");
    EXPECT_EQ(default_of("TXMAIL_LOG_FORMAT"), "text");
}

TEST(KnownSettings, TypedDefaultsPassTheirOwnValidation) {
    // load() validates every typed value; the embedded defaults must pass with nothing set.
    auto settings =
        Settings::load([](std::string_view) { return std::nullopt; }, "/nonexistent/.env");
    ASSERT_TRUE(settings.has_value()) << settings.error().describe();
}

}  // namespace
}  // namespace txmail::config
