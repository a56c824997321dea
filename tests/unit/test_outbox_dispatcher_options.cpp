#include "txmail/outbox/dispatcher_options.h"

#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;

Result<DispatcherOptions> options_for(const std::map<std::string, std::string>& values) {
    return dispatcher_options_from(config::Settings::from_map(values));
}

TEST(DispatcherOptions, LocalRelayIsUnlimited) {
    const auto options = options_for({{"EMAIL_BACKEND", "smtp"}, {"EMAIL_HOST", "localhost"}});
    ASSERT_TRUE(options.has_value()) << options.error().describe();
    EXPECT_TRUE(options->limits.unlimited());
    EXPECT_EQ(options->workers, 2);
    EXPECT_EQ(options->lease_for, 2min);
    EXPECT_EQ(options->retry.max_attempts, 8);
    EXPECT_EQ(options->breaker.first_pause, 1min);
}

TEST(DispatcherOptions, ExchangeOnlinePacesThirtyAMinuteOnThreeConnections) {
    const auto options = options_for(
        {{"EMAIL_BACKEND", "smtp"}, {"EMAIL_HOST", "smtp.office365.com"}, {"TXMAIL_WORKERS", "8"}});
    ASSERT_TRUE(options.has_value()) << options.error().describe();
    ASSERT_TRUE(options->limits.messages_per_second.has_value());
    EXPECT_DOUBLE_EQ(*options->limits.messages_per_second, 0.5);
    EXPECT_EQ(options->limits.max_concurrent, 3);
    EXPECT_EQ(options->workers, 3) << "each worker holds a connection to the mailbox";
    const auto asked =
        dispatcher_options_from(config::Settings::from_map({{"EMAIL_BACKEND", "smtp"},
                                                            {"EMAIL_HOST", "smtp.office365.com"}}),
                                10);
    ASSERT_TRUE(asked.has_value());
    EXPECT_EQ(asked->workers, 3) << "--workers is capped too";
}

TEST(DispatcherOptions, RateLimitSettingOverridesTheProvider) {
    const auto options = options_for({{"EMAIL_BACKEND", "smtp"},
                                      {"EMAIL_HOST", "smtp.office365.com"},
                                      {"EMAIL_RATE_LIMIT", "10/s"}});
    ASSERT_TRUE(options.has_value()) << options.error().describe();
    EXPECT_DOUBLE_EQ(*options->limits.messages_per_second, 10.0);
    const auto relay = options_for({{"EMAIL_BACKEND", "smtp"}, {"EMAIL_RATE_LIMIT", "30/min"}});
    ASSERT_TRUE(relay.has_value()) << relay.error().describe();
    EXPECT_DOUBLE_EQ(*relay->limits.messages_per_second, 0.5);
    EXPECT_FALSE(relay->limits.max_concurrent.has_value());
}

TEST(DispatcherOptions, ReadsTheDispatcherKnobs) {
    const auto options = options_for(
        {{"TXMAIL_WORKERS", "4"}, {"TXMAIL_LEASE", "30s"}, {"TXMAIL_DISPATCH_IDLE", "250ms"}});
    ASSERT_TRUE(options.has_value()) << options.error().describe();
    EXPECT_EQ(options->workers, 4);
    EXPECT_EQ(dispatcher_options_from(config::Settings::from_map({}), 6)->workers, 6);
    EXPECT_EQ(options->lease_for, 30s);
    EXPECT_EQ(options->idle_wait, 250ms);
}

TEST(DispatcherOptions, ErrorsNameTheSettingAndTheValue) {
    const auto check = [](std::map<std::string, std::string> values, const std::string& field,
                          const std::string& fragment) {
        const auto options = options_for(values);
        ASSERT_FALSE(options.has_value()) << field;
        EXPECT_EQ(options.error().field, field);
        EXPECT_NE(options.error().message.find(fragment), std::string::npos)
            << options.error().message;
    };
    check({{"TXMAIL_WORKERS", "0"}}, "TXMAIL_WORKERS", "between 1 and 256 (got 0)");
    check({{"TXMAIL_LEASE", "500ms"}}, "TXMAIL_LEASE", "at least 1s (got \"500ms\")");
    check({{"TXMAIL_DISPATCH_IDLE", "never"}}, "TXMAIL_DISPATCH_IDLE", "\"never\"");
    check({{"EMAIL_RATE_LIMIT", "lots"}}, "EMAIL_RATE_LIMIT", "lots");
    check({{"TXMAIL_SENDER_PAUSE_MIN", "1h"}, {"TXMAIL_SENDER_PAUSE_MAX", "1min"}},
          "TXMAIL_SENDER_PAUSE_MAX", "must not be below TXMAIL_SENDER_PAUSE_MIN (1h)");
}

}  // namespace
}  // namespace txmail::outbox
