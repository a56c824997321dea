#include "txmail/microsoft365/provider_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::microsoft365 {
namespace {

using namespace std::chrono_literals;
using config::Settings;
using ::testing::ElementsAre;

TEST(ParseRate, ReadsCountPerPeriod) {
    EXPECT_EQ(parse_rate("30/min").value(), (Rate{30, 60s}));
    EXPECT_EQ(parse_rate("2/s").value(), (Rate{2, 1s}));
    EXPECT_EQ(parse_rate("1000/h").value(), (Rate{1000, 3600s}));
    EXPECT_EQ(parse_rate("10000/10min").value(), (Rate{10000, 600s}));
    EXPECT_EQ(parse_rate("500/24h").value(), (Rate{500, 86400s}));
    EXPECT_EQ(parse_rate("5/d").value(), (Rate{5, 86400s}));
}

TEST(ParseRate, NoneMeansUnlimited) {
    auto none = parse_rate("none");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    EXPECT_FALSE(parse_rate("NONE").value().has_value());
}

TEST(ParseRate, BadValuesNameTheSettingAndTheValue) {
    for (std::string_view bad : {"", "30", "30 per minute", "0/min", "-1/min", "30/",
                                 "30/fortnight", "x/min", "30/500ms", "30/0s", "30/min/h"}) {
        auto parsed = parse_rate(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error().kind, ErrorKind::config);
        EXPECT_EQ(parsed.error().field, "EMAIL_RATE_LIMIT");
        EXPECT_NE(parsed.error().message.find("\"" + std::string(bad) + "\""), std::string::npos)
            << parsed.error().message;
    }
}

TEST(FormatRate, WritesWhatParseRateReads) {
    for (std::string_view text : {"30/min", "2/s", "1000/h", "10000/10min", "10000/24h", "7/90s"}) {
        auto rate = parse_rate(text);
        ASSERT_TRUE(rate && *rate) << text;
        EXPECT_EQ(format_rate(**rate), text);
    }
}

TEST(ProviderLimits, ExchangeOnlineSmtpAuthDefaults) {
    for (std::string_view host :
         {"smtp.office365.com", "SMTP.Office365.com", "smtp-legacy.office365.com"}) {
        auto limits =
            provider_limits(Settings::from_map({{"EMAIL_HOST", std::string(host)}}), "smtp");
        ASSERT_TRUE(limits);
        EXPECT_EQ(limits->provider, "Exchange Online (SMTP AUTH)") << host;
        EXPECT_EQ(limits->messages, (Rate{30, 60s}));
        EXPECT_EQ(limits->messages_source, "Exchange Online default");
        EXPECT_EQ(limits->recipients, (Rate{10000, 86400s}));
        EXPECT_EQ(limits->concurrency, 3u);
        EXPECT_EQ(limits->recipients_per_message, 1000u);
        EXPECT_FALSE(limits->request_bytes);
    }
}

TEST(ProviderLimits, GraphDefaults) {
    auto limits = provider_limits(Settings::from_map({}), "graph");
    ASSERT_TRUE(limits);
    EXPECT_EQ(limits->messages, (Rate{10000, 600s}));
    EXPECT_EQ(limits->messages_source, "Microsoft Graph default");
    EXPECT_EQ(limits->concurrency, 4u);
    EXPECT_EQ(limits->recipients, (Rate{10000, 86400s}));
    EXPECT_EQ(limits->request_bytes, 4u * 1024 * 1024);
}

TEST(ProviderLimits, OtherHostsAndBackendsHaveNone) {
    auto relay = provider_limits(Settings::from_map({{"EMAIL_HOST", "mail.internal"}}), "smtp");
    ASSERT_TRUE(relay);
    EXPECT_EQ(relay->provider, "");
    EXPECT_FALSE(relay->messages || relay->recipients || relay->concurrency ||
                 relay->recipients_per_message);
    // The file backend writes files even when EMAIL_HOST still names Exchange Online.
    auto file = provider_limits(Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"}}), "file");
    ASSERT_TRUE(file);
    EXPECT_FALSE(file->messages);
}

TEST(ProviderLimits, EmailRateLimitReplacesTheMessageRateOnly) {
    auto slower = provider_limits(
        Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"}, {"EMAIL_RATE_LIMIT", "10/min"}}),
        "smtp");
    ASSERT_TRUE(slower);
    EXPECT_EQ(slower->messages, (Rate{10, 60s}));
    EXPECT_EQ(slower->messages_source, "EMAIL_RATE_LIMIT");
    EXPECT_EQ(slower->concurrency, 3u);

    auto relay = provider_limits(Settings::from_map({{"EMAIL_RATE_LIMIT", "2/s"}}), "smtp");
    ASSERT_TRUE(relay);
    EXPECT_EQ(relay->messages, (Rate{2, 1s}));

    auto none = provider_limits(
        Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"}, {"EMAIL_RATE_LIMIT", "none"}}),
        "smtp");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->messages);

    auto bad = provider_limits(Settings::from_map({{"EMAIL_RATE_LIMIT", "fast"}}), "smtp");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "EMAIL_RATE_LIMIT");
}

TEST(ProviderLimits, DescribeListsTheLimitsInForce) {
    auto limits =
        provider_limits(Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"}}), "smtp");
    ASSERT_TRUE(limits);
    EXPECT_THAT(describe(*limits), ElementsAre("provider: Exchange Online (SMTP AUTH), per mailbox",
                                               "message rate: 30/min (Exchange Online default)",
                                               "recipients: 10000/24h (rolling)", "concurrency: 3",
                                               "recipients per message: 1000"));
    auto none = provider_limits(Settings::from_map({}), "file");
    ASSERT_TRUE(none);
    EXPECT_THAT(describe(*none),
                ElementsAre("provider: none known (no provider limits)", "message rate: unlimited",
                            "recipients: unlimited", "concurrency: unlimited",
                            "recipients per message: unlimited"));
}

}  // namespace
}  // namespace txmail::microsoft365
