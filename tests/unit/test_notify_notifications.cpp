#include "txmail/notify/notifications.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/notify_fixtures.h"
#include "txmail/transport/memory_backend.h"
#include "txmail/util/iso8601.h"

namespace txmail {
namespace {

using ::testing::HasSubstr;

TimePoint at(std::string_view iso) {
    return *parse_iso8601(iso);
}

class NotifierTest : public ::testing::Test {
  protected:
    transport::MemoryOutbox outbox;
    notify::Renderer renderer = testing::notify_renderer();
    transport::Mailer mailer{std::make_unique<transport::MemoryBackend>(outbox)};
    Notifier notifier{renderer, mailer};
    User ada{"1042", "ada@example.com", "Ada Lovelace"};

    // The one message sent so far.
    mail::RenderedMessage sent() {
        const auto messages = outbox.messages();
        EXPECT_EQ(messages.size(), 1u);
        return messages.empty() ? mail::RenderedMessage{} : messages.front();
    }
};

TEST_F(NotifierTest, WelcomeGoesToTheUser) {
    auto result = notifier.send_welcome_email(ada);
    ASSERT_TRUE(result) << result.error().describe();
    const mail::RenderedMessage m = sent();
    EXPECT_EQ(m.envelope.sender, "noreply@boritrader.com");
    EXPECT_THAT(m.envelope.recipients, ::testing::ElementsAre("ada@example.com"));
    EXPECT_EQ(m.subject, "Welcome to Boritrader");
    EXPECT_EQ(result->message_id, m.message_id);
    EXPECT_THAT(m.bytes, HasSubstr("Auto-Submitted: auto-generated\r\n"));
    EXPECT_THAT(m.bytes, HasSubstr("multipart/alternative"));
}

TEST_F(NotifierTest, EachHelperSendsItsEvent) {
    ASSERT_TRUE(notifier.send_password_changed_email(ada, at("2026-12-24T09:41:00Z"),
                                                     "203.0.113.42", "Firefox"));
    ASSERT_TRUE(notifier.send_payment_confirmation_email(
        ada, {.plan = "Pro", .amount = Money{2900, "usd"}, .period_end = at("2027-01-24")}));
    ASSERT_TRUE(notifier.send_subscription_updated_email(ada, "Basic", "Pro", at("2027-01-24")));
    ASSERT_TRUE(notifier.send_subscription_canceled_email(ada, at("2027-01-24")));
    ASSERT_TRUE(notifier.send_payment_failed_email(
        ada, {.amount_due = Money{500, "jpy"},
              .hosted_invoice_url = "https://invoice.stripe.com/i/x",
              .next_attempt = at("2026-12-27T09:00:00Z")}));
    ASSERT_TRUE(notifier.send_view_status_change_email(ada, "AAPL", "BUY", "SELL"));
    std::vector<std::string> subjects;
    for (const auto& m : outbox.messages())
        subjects.push_back(m.subject);
    EXPECT_THAT(subjects,
                ::testing::ElementsAre("Your Boritrader password was changed",
                                       "Payment received: $29.00 for Boritrader Pro",
                                       "Your Boritrader plan changed to Pro",
                                       "Your Boritrader subscription has been canceled",
                                       "Action needed: your Boritrader payment of ¥500 failed",
                                       "AAPL: our view changed from BUY to SELL"));
}

TEST_F(NotifierTest, OptionalDetailsMayBeLeftOut) {
    EXPECT_TRUE(notifier.send_payment_confirmation_email(ada));
    EXPECT_TRUE(notifier.send_payment_failed_email(ada));
    EXPECT_TRUE(notifier.send_subscription_canceled_email(ada));
    EXPECT_EQ(outbox.size(), 3u);
}

TEST_F(NotifierTest, BadDataSendsNothingAndSaysWhy) {
    auto result =
        notifier.send_view_status_change_email(ada, "AAPL\r\nBcc: x@example.com", "BUY", "SELL");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "ticker");
    auto bad_user = notifier.send_welcome_email(User{"1", "not an address", ""});
    ASSERT_FALSE(bad_user);
    EXPECT_EQ(bad_user.error().field, "user.email");
    EXPECT_EQ(outbox.size(), 0u);
}

TEST_F(NotifierTest, NotifyTakesTheApiShape) {
    auto result = notifier.notify("payment_failed", testing::sample_data("payment_failed"));
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_THAT(sent().subject, HasSubstr("$29.00"));
}

TEST(LibraryRender, UsesTheEnvironmentsSettings) {
    // Nothing is set for unit tests, so the embedded defaults apply (config/known_settings.cpp).
    auto message = txmail::render("welcome", testing::sample_data("welcome"));
    ASSERT_TRUE(message) << message.error().describe();
    EXPECT_FALSE(message->subject.empty());
    EXPECT_EQ(message->to.at(0).addr_spec(), "ada@example.com");
    auto invalid = txmail::render("welcome", nlohmann::json::object());
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().field, "user");
}

}  // namespace
}  // namespace txmail
