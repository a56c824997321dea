#include "txmail/config/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "support/temp_directory.h"

namespace txmail::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

EnvLookup fake_env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end())
            return std::nullopt;
        return it->second;
    };
}

Settings load_ok(const EnvLookup& env, const std::filesystem::path& dotenv) {
    auto settings = Settings::load(env, dotenv);
    EXPECT_TRUE(settings.has_value()) << settings.error().describe();
    return settings.value_or(Settings::from_map({}));
}

TEST(Settings, EnvironmentBeatsDotenvBeatsDefaults) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "EMAIL_HOST=from-dotenv\nEMAIL_PORT=2525\n");
    Settings settings = load_ok(fake_env({{"EMAIL_HOST", "from-env"}}), dotenv);

    EXPECT_EQ(settings.get("EMAIL_HOST"), "from-env");
    EXPECT_EQ(settings.source("EMAIL_HOST"), Source::environment);
    EXPECT_EQ(settings.get("EMAIL_PORT"), "2525");
    EXPECT_EQ(settings.source("EMAIL_PORT"), Source::dotenv);
    EXPECT_EQ(settings.get("SITE_NAME"), "Boritrader");
    EXPECT_EQ(settings.source("SITE_NAME"), Source::default_value);
    EXPECT_EQ(settings.get("EMAIL_HOST_USER"), std::nullopt);
    EXPECT_EQ(settings.source("EMAIL_HOST_USER"), Source::unset);
}

TEST(Settings, EmbeddedDefaultsWithNothingSet) {
    Settings settings = load_ok(fake_env({}), "/nonexistent/.env");
    EXPECT_EQ(settings.get("EMAIL_BACKEND"), "file");
    EXPECT_EQ(settings.get("EMAIL_FILE_PATH"), "var/mail");
    EXPECT_EQ(settings.get("TXMAIL_DATABASE_URL"), "sqlite:///var/txmail.db");
    EXPECT_EQ(settings.get("TXMAIL_LISTEN"), "127.0.0.1:8025");
    EXPECT_EQ(settings.get("DEFAULT_FROM_EMAIL"), "Boritrader <noreply@localhost>");
    EXPECT_EQ(settings.get_int("EMAIL_PORT", 0).value_or(-1), 25);
    EXPECT_EQ(settings.get_double("EMAIL_TIMEOUT", 0).value_or(-1), 30.0);
    EXPECT_EQ(settings.get_bool("EMAIL_USE_TLS", true).value_or(true), false);
}

TEST(Settings, EmptyEnvironmentValueStillWinsButReadsAsUnset) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "EMAIL_HOST_USER=app@example.com\n");
    Settings settings = load_ok(fake_env({{"EMAIL_HOST_USER", ""}}), dotenv);
    EXPECT_EQ(settings.get("EMAIL_HOST_USER"), std::nullopt);
    EXPECT_EQ(settings.source("EMAIL_HOST_USER"), Source::environment);
    EXPECT_EQ(settings.get_or("EMAIL_HOST_USER", "fallback"), "fallback");
}

TEST(Settings, DjangoBooleanSpellings) {
    for (std::string yes : {"True", "true", "TRUE", "1", "yes", "Yes", "on", "ON"}) {
        auto value = Settings::from_map({{"EMAIL_USE_TLS", yes}}).get_bool("EMAIL_USE_TLS");
        ASSERT_TRUE(value.has_value()) << yes;
        EXPECT_TRUE(*value) << yes;
    }
    for (std::string no : {"False", "false", "0", "no", "NO", "off", "Off"}) {
        auto value = Settings::from_map({{"EMAIL_USE_TLS", no}}).get_bool("EMAIL_USE_TLS", true);
        ASSERT_TRUE(value.has_value()) << no;
        EXPECT_FALSE(*value) << no;
    }
}

TEST(Settings, BadBooleanNamesTheSettingAndTheValue) {
    auto value = Settings::from_map({{"EMAIL_USE_TLS", "maybe"}}).get_bool("EMAIL_USE_TLS");
    ASSERT_FALSE(value.has_value());
    EXPECT_EQ(value.error().kind, ErrorKind::config);
    EXPECT_EQ(value.error().field, "EMAIL_USE_TLS");
    EXPECT_THAT(value.error().message, HasSubstr("EMAIL_USE_TLS"));
    EXPECT_THAT(value.error().message, HasSubstr("\"maybe\""));
}

TEST(Settings, NumbersAreCheckedWhole) {
    auto settings = Settings::from_map({{"EMAIL_PORT", "587"}, {"EMAIL_TIMEOUT", "2.5"}});
    EXPECT_EQ(settings.get_int("EMAIL_PORT", 25).value_or(0), 587);
    EXPECT_EQ(settings.get_double("EMAIL_TIMEOUT", 30).value_or(0), 2.5);

    for (std::string bad : {"abc", "25x", "2.5", " ", "99999999999999999999999"}) {
        auto port = Settings::from_map({{"EMAIL_PORT", bad}}).get_int("EMAIL_PORT", 25);
        ASSERT_FALSE(port.has_value()) << bad;
        EXPECT_THAT(port.error().message,
                    HasSubstr("EMAIL_PORT must be a whole number, got \"" + bad + "\""));
    }
    for (std::string bad : {"fast", "nan", "inf", "1e999"}) {
        auto timeout = Settings::from_map({{"EMAIL_TIMEOUT", bad}}).get_double("EMAIL_TIMEOUT", 1);
        ASSERT_FALSE(timeout.has_value()) << bad;
        EXPECT_THAT(timeout.error().message, HasSubstr("\"" + bad + "\""));
    }
}

TEST(Settings, LoadRejectsABadTypedValueAndSaysWhereItCameFrom) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "EMAIL_USE_SSL=sometimes\n");
    auto from_file = Settings::load(fake_env({}), dotenv);
    ASSERT_FALSE(from_file.has_value());
    EXPECT_EQ(from_file.error().field, "EMAIL_USE_SSL");
    EXPECT_THAT(from_file.error().message, HasSubstr("\"sometimes\""));
    EXPECT_THAT(from_file.error().message, HasSubstr("from " + dotenv.string()));

    auto from_env = Settings::load(fake_env({{"EMAIL_PORT", "smtp"}}), dotenv);
    ASSERT_FALSE(from_env.has_value());
    // The environment is checked even though the .env is also bad: the first bad setting wins.
    EXPECT_THAT(from_env.error().message, HasSubstr("EMAIL_PORT"));
    EXPECT_THAT(from_env.error().message, HasSubstr("from the environment"));
}

TEST(Settings, MalformedDotenvFailsTheLoad) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "EMAIL_HOST=x\nnot a setting\n");
    auto settings = Settings::load(fake_env({}), dotenv);
    ASSERT_FALSE(settings.has_value());
    EXPECT_THAT(settings.error().message, HasSubstr(dotenv.string() + " line 2"));
}

TEST(Settings, NamesOutsideTheTableAreReadableButNotListed) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "MY_EXTRA=from-file\n");
    Settings settings = load_ok(fake_env({{"OTHER_EXTRA", "from-env"}}), dotenv);
    EXPECT_EQ(settings.get("MY_EXTRA"), "from-file");
    EXPECT_EQ(settings.source("MY_EXTRA"), Source::dotenv);
    EXPECT_EQ(settings.get("OTHER_EXTRA"), "from-env");
    EXPECT_EQ(settings.source("OTHER_EXTRA"), Source::environment);
    auto all = settings.all();
    EXPECT_TRUE(std::ranges::none_of(all, [](const Setting& s) { return s.name == "MY_EXTRA"; }));
}

TEST(Settings, DotenvCannotRedirectTheDotenv) {
    testing::TempDirectory dir;
    auto dotenv = dir.write(".env", "TXMAIL_ENV_FILE=/elsewhere\n");
    Settings settings = load_ok(fake_env({}), dotenv);
    EXPECT_EQ(settings.source("TXMAIL_ENV_FILE"), Source::default_value);
}

TEST(Settings, AllListsEveryKnownSettingInTableOrderWithSecretsFlagged) {
    auto all = Settings::from_map({{"EMAIL_HOST_PASSWORD", "hunter2"}}).all();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front().name, "EMAIL_BACKEND");
    auto password = std::ranges::find(all, "EMAIL_HOST_PASSWORD", &Setting::name);
    ASSERT_NE(password, all.end());
    EXPECT_TRUE(password->secret);
    EXPECT_EQ(password->value, "hunter2");  // all() does not mask; printers call display_value()
    EXPECT_EQ(display_value(*password), "****");
}

TEST(Settings, WithReplacesOneValue) {
    auto base = Settings::from_map({});
    auto changed = base.with("EMAIL_BACKEND", "memory");
    EXPECT_EQ(base.get("EMAIL_BACKEND"), "file");
    EXPECT_EQ(changed.get("EMAIL_BACKEND"), "memory");
    EXPECT_EQ(changed.source("EMAIL_BACKEND"), Source::environment);
    EXPECT_TRUE(changed.with("TXMAIL_API_TOKEN", "t").is_secret("TXMAIL_API_TOKEN"));
}

TEST(Settings, SecretValuesNeverAppearInErrors) {
    // A typed getter used on a secret by mistake must still not print the secret.
    auto value =
        Settings::from_map({{"TXMAIL_API_TOKEN", "tok_123"}}).get_int("TXMAIL_API_TOKEN", 0);
    ASSERT_FALSE(value.has_value());
    EXPECT_THAT(value.error().message, Not(HasSubstr("tok_123")));
    EXPECT_THAT(value.error().message, HasSubstr("****"));
}

TEST(Settings, DisplayValueMasksSecretsAndUrlPasswords) {
    EXPECT_EQ(display_value({"EMAIL_HOST_PASSWORD", "x", Source::environment, true}), "****");
    EXPECT_EQ(display_value({"EMAIL_HOST_PASSWORD", "", Source::unset, true}), "");
    EXPECT_EQ(display_value({"TXMAIL_DATABASE_URL", "postgresql://mail:S3cr3t@db:5432/txmail",
                             Source::environment, false}),
              "postgresql://mail:****@db:5432/txmail");
    EXPECT_EQ(display_value({"SITE_NAME", "Boritrader", Source::default_value, false}),
              "Boritrader");
}

TEST(Settings, MaskUrlPassword) {
    EXPECT_EQ(mask_url_password("sqlite:///var/txmail.db"), "sqlite:///var/txmail.db");
    EXPECT_EQ(mask_url_password("postgresql://user@host/db"), "postgresql://user@host/db");
    EXPECT_EQ(mask_url_password("postgresql://u:p%40ss@host/db?x=a:b@c"),
              "postgresql://u:****@host/db?x=a:b@c");
    EXPECT_EQ(mask_url_password("postgresql://u:p@ss@host"), "postgresql://u:****@host");
    EXPECT_EQ(mask_url_password("https://graph.microsoft.com"), "https://graph.microsoft.com");
    EXPECT_EQ(mask_url_password("not a url"), "not a url");
}

TEST(Settings, DotenvPathFromTxmailEnvFile) {
    EXPECT_EQ(dotenv_path(fake_env({})), ".env");
    EXPECT_EQ(dotenv_path(fake_env({{"TXMAIL_ENV_FILE", "/etc/txmail.env"}})), "/etc/txmail.env");
}

TEST(Settings, LoadSettingsReadsTxmailEnvFileAndRefusesAMissingOne) {
    testing::TempDirectory dir;
    auto dotenv = dir.write("prod.env", "SITE_NAME=Prod\n");
    auto settings = load_settings(fake_env({{"TXMAIL_ENV_FILE", dotenv.string()}}));
    ASSERT_TRUE(settings.has_value()) << settings.error().describe();
    EXPECT_EQ(settings->get("SITE_NAME"), "Prod");
    EXPECT_EQ(settings->get("TXMAIL_ENV_FILE"), dotenv.string());
    EXPECT_EQ(settings->source("TXMAIL_ENV_FILE"), Source::environment);

    auto missing = load_settings(fake_env({{"TXMAIL_ENV_FILE", (dir / "nope.env").string()}}));
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().field, "TXMAIL_ENV_FILE");
    EXPECT_THAT(missing.error().message, HasSubstr("nope.env"));
}

TEST(Settings, SourceNames) {
    EXPECT_EQ(to_string(Source::environment), "environment");
    EXPECT_EQ(to_string(Source::dotenv), ".env");
    EXPECT_EQ(to_string(Source::default_value), "default");
    EXPECT_EQ(to_string(Source::unset), "unset");
}

}  // namespace
}  // namespace txmail::config
