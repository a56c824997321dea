#include "txmail/notify/event_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace txmail::notify {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json user() {
    return {{"id", 7}, {"email", "ada@example.com"}, {"name", "Ada Lovelace"}};
}

json with_user(json fields) {
    fields["user"] = user();
    return fields;
}

// The error's field and message, for one assertion per case.
Error error_of(std::string_view event, const json& data) {
    auto result = validate_event_data(event, data);
    EXPECT_FALSE(result) << "accepted " << data.dump();
    return result ? Error{} : result.error();
}

TEST(EventData, AcceptsTheDesignShape) {
    auto data = validate_event_data(
        "payment_failed", with_user({{"amount_due", 2900},
                                     {"currency", "usd"},
                                     {"hosted_invoice_url", "https://invoice.stripe.com/i/x"},
                                     {"next_attempt", "2026-12-27T09:00:00Z"}}));
    ASSERT_TRUE(data) << data.error().describe();
    EXPECT_EQ(data->spec->name, "payment_failed");
    EXPECT_EQ(data->display["amount_due"], "$29.00");
    EXPECT_EQ(data->display["currency"], "USD");
    EXPECT_EQ(data->display["next_attempt"], "December 27, 2026 at 09:00 UTC");
    EXPECT_EQ(data->display["user"]["id"], "7");
    EXPECT_EQ(data->raw["amount_due"], 2900);
    EXPECT_EQ(data->recipient.addr_spec(), "ada@example.com");
    EXPECT_EQ(data->recipient.display_name, "Ada Lovelace");
}

TEST(EventData, DatesShowTimeOnlyWhereItMatters) {
    auto updated = validate_event_data(
        "subscription_updated",
        with_user(
            {{"old_plan", "Basic"}, {"new_plan", "Pro"}, {"end_date", "2027-01-24T00:00:00Z"}}));
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->display["end_date"], "January 24, 2027");
    auto changed =
        validate_event_data("password_changed", with_user({{"changed_at", "2026-12-24"}}));
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->display["changed_at"], "December 24, 2026");
}

TEST(EventData, UnknownEventListsKnownOnes) {
    const Error error = error_of("password_reset", with_user({}));
    EXPECT_EQ(error.field, "event");
    EXPECT_THAT(error.message, HasSubstr("view_status_changed"));
}

TEST(EventData, MissingFieldsAreNamedByPath) {
    EXPECT_EQ(error_of("welcome", json::object()).field, "user");
    EXPECT_EQ(error_of("welcome", {{"user", {{"id", 1}}}}).field, "user.email");
    EXPECT_EQ(error_of("welcome", {{"user", {{"email", "a@example.com"}}}}).field, "user.id");
    const Error error = error_of("subscription_updated",
                                 with_user({{"old_plan", "Basic"}, {"end_date", "2027-01-24"}}));
    EXPECT_EQ(error.field, "new_plan");
    EXPECT_THAT(error.message, HasSubstr("missing required field new_plan"));
}

TEST(EventData, NullCountsAsAbsent) {
    EXPECT_TRUE(validate_event_data("payment_failed",
                                    with_user({{"amount_due", nullptr}, {"currency", nullptr}})));
    EXPECT_EQ(
        error_of("view_status_changed",
                 with_user({{"ticker", nullptr}, {"old_status", "BUY"}, {"new_status", "SELL"}}))
            .field,
        "ticker");
}

TEST(EventData, WrongTypesNameTheFieldAndTheValue) {
    Error error = error_of("welcome", {{"user", {{"id", {1, 2}}, {"email", "a@example.com"}}}});
    EXPECT_EQ(error.field, "user.id");
    EXPECT_THAT(error.message, HasSubstr("[1,2]"));

    error = error_of("payment_confirmation", with_user({{"amount", "29.00"}, {"currency", "usd"}}));
    EXPECT_EQ(error.field, "amount");
    EXPECT_THAT(error.message, HasSubstr("\"29.00\""));
    EXPECT_THAT(error.message, HasSubstr("minor units"));

    EXPECT_EQ(
        error_of("payment_confirmation", with_user({{"amount", 29.5}, {"currency", "usd"}})).field,
        "amount");
    EXPECT_EQ(
        error_of("payment_confirmation", with_user({{"amount", -1}, {"currency", "usd"}})).field,
        "amount");
    EXPECT_EQ(
        error_of("subscription_updated",
                 with_user({{"old_plan", 3}, {"new_plan", "Pro"}, {"end_date", "2027-01-24"}}))
            .field,
        "old_plan");
    EXPECT_EQ(error_of("welcome", json::array()).field, "data");
    EXPECT_EQ(error_of("welcome", {{"user", "ada@example.com"}}).field, "user");
}

TEST(EventData, FormatsAreChecked) {
    struct Case {
        const char* event;
        json data;
        const char* field;
        const char* value_shown;
    };
    const std::vector<Case> cases{
        {"welcome",
         {{"user", {{"id", 1}, {"email", "not-an-email"}}}},
         "user.email",
         "\"not-an-email\""},
        {"welcome",
         {{"user", {{"id", 1}, {"email", "Ada <ada@example.com>"}}}},
         "user.email",
         "Ada"},
        {"welcome", {{"user", {{"id", ""}, {"email", "ada@example.com"}}}}, "user.id", "\"\""},
        {"password_changed", with_user({{"changed_at", "2026-02-30"}}), "changed_at", "2026-02-30"},
        {"password_changed", with_user({{"changed_at", "24/12/2026"}}), "changed_at", "24/12/2026"},
        {"password_changed", with_user({{"changed_at", "2026-12-24"}, {"ip", "999.1.1.1"}}), "ip",
         "999.1.1.1"},
        {"payment_failed", with_user({{"amount_due", 100}, {"currency", "us"}}), "currency",
         "\"us\""},
        {"payment_failed", with_user({{"amount_due", 100}, {"currency", "u$d"}}), "currency",
         "u$d"},
        {"payment_failed", with_user({{"hosted_invoice_url", "javascript:alert(1)"}}),
         "hosted_invoice_url", "javascript:alert(1)"},
        {"payment_failed", with_user({{"hosted_invoice_url", "https://x.example/\"onmouseover"}}),
         "hosted_invoice_url", "onmouseover"},
        {"view_status_changed",
         with_user({{"ticker", "AAPL<script>"}, {"old_status", "BUY"}, {"new_status", "SELL"}}),
         "ticker", "AAPL<script>"},
        {"view_status_changed",
         with_user({{"ticker", "BTC/USD"}, {"old_status", "BUY"}, {"new_status", "SELL"}}),
         "ticker", "BTC/USD"},
    };
    for (const Case& c : cases) {
        const Error error = error_of(c.event, c.data);
        EXPECT_EQ(error.field, c.field) << c.data.dump();
        EXPECT_THAT(error.message, HasSubstr(c.field)) << c.data.dump();
        EXPECT_THAT(error.message, HasSubstr(c.value_shown)) << error.message;
    }
}

TEST(EventData, GoodFormatsPass) {
    EXPECT_TRUE(validate_event_data(
        "password_changed", with_user({{"changed_at", "2026-12-24T10:30:00.123+01:00"},
                                       {"ip", "2001:db8::1"},
                                       {"user_agent", "Mozilla/5.0 (X11; Linux x86_64)"}})));
    EXPECT_TRUE(validate_event_data(
        "view_status_changed",
        with_user({{"ticker", "BRK.B"}, {"old_status", "HOLD"}, {"new_status", "Strong Buy"}})));
    EXPECT_TRUE(validate_event_data("welcome",
                                    {{"user", {{"id", "u_42"}, {"email", "ada@bücher.example"}}}}));
}

TEST(EventData, UnknownFieldsAreRefusedWithTheKnownOnes) {
    Error error = error_of("payment_failed", with_user({{"hosted_invoice_ur", "https://x.io"}}));
    EXPECT_EQ(error.field, "hosted_invoice_ur");
    EXPECT_THAT(error.message, HasSubstr("amount_due, currency, hosted_invoice_url"));

    error = error_of("welcome",
                     {{"user", {{"id", 1}, {"email", "a@example.com"}, {"username", "ada"}}}});
    EXPECT_EQ(error.field, "user.username");
    EXPECT_THAT(error.message, HasSubstr("id, email, name"));
}

TEST(EventData, MoneyNeedsItsCurrency) {
    const Error error = error_of("payment_confirmation", with_user({{"amount", 2900}}));
    EXPECT_EQ(error.field, "currency");
    EXPECT_THAT(error.message, HasSubstr("amount"));
    EXPECT_THAT(error.message, HasSubstr("2900"));
}

TEST(EventData, AViewChangeNamesTwoDifferentViews) {
    const json changed =
        with_user({{"ticker", "AAPL"}, {"old_status", "BUY"}, {"new_status", "SELL"}});
    EXPECT_TRUE(validate_event_data("view_status_changed", changed));

    json same = changed;
    same["new_status"] = "Buy";
    const Error unchanged = error_of("view_status_changed", same);
    EXPECT_EQ(unchanged.field, "new_status");
    EXPECT_THAT(unchanged.message, HasSubstr("\"Buy\" is old_status \"BUY\" again"));

    json blank = changed;
    blank["old_status"] = "\n ";
    EXPECT_EQ(error_of("view_status_changed", blank).field, "old_status");
}

TEST(EventData, LongValuesAreCutInErrors) {
    const std::string long_value(10'000, 'x');
    const Error error = error_of("password_changed", with_user({{"changed_at", long_value}}));
    EXPECT_EQ(error.field, "changed_at");
    EXPECT_LT(error.message.size(), 300u);
    EXPECT_THAT(error.message, HasSubstr("…"));
}

TEST(EventData, HostileTextIsKeptButNamesBecomeOneLine) {
    const std::string name = "Ada\r\nBcc: victim@example.com <script>\"&'😀";
    auto data = validate_event_data(
        "password_changed", {{"user", {{"id", 1}, {"email", "ada@example.com"}, {"name", name}}},
                             {"changed_at", "2026-12-24"},
                             {"user_agent", "line one\nline two"}});
    ASSERT_TRUE(data) << data.error().describe();
    EXPECT_EQ(data->display["user"]["name"], "Ada Bcc: victim@example.com <script>\"&'😀");
    EXPECT_EQ(data->display["user_agent"], "line one\nline two");
    EXPECT_THAT(data->recipient.display_name, Not(HasSubstr("\n")));
    EXPECT_THAT(data->recipient.display_name, Not(HasSubstr("\r")));
}

TEST(EventData, NamesInTheToHeaderAreCut) {
    auto data = validate_event_data(
        "welcome",
        {{"user", {{"id", 1}, {"email", "ada@example.com"}, {"name", std::string(10'000, 'n')}}}});
    ASSERT_TRUE(data);
    EXPECT_EQ(data->display["user"]["name"].get<std::string>().size(), 10'000u);
    EXPECT_LE(data->recipient.display_name.size(), 64u + 3u);
}

TEST(EventData, NulAndBrokenUtf8AreRefused) {
    EXPECT_EQ(error_of("password_changed", with_user({{"changed_at", "2026-12-24"},
                                                      {"user_agent", std::string("a\0b", 3)}}))
                  .field,
              "user_agent");
    EXPECT_EQ(error_of("password_changed",
                       with_user({{"changed_at", "2026-12-24"}, {"user_agent", "\xff\xfe"}}))
                  .field,
              "user_agent");
}

}  // namespace
}  // namespace txmail::notify
