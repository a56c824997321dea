// The Stripe webhook processor over the memory ledger, memory customers and the real notifier,
// fed the fixtures in tests/fixtures/stripe signed with stripe::compute_signature.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/notify_fixtures.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/stripe_webhook_processor.h"
#include "txmail/stripe/signature.h"

namespace txmail::service {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::string_view secret = "whsec_test_processor";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(TXMAIL_FIXTURES_DIR) + "/stripe/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The fixture with its id and created time replaced: another delivery of a similar event.
std::string variant(const std::string& name, const std::string& id, std::int64_t created) {
    auto event = nlohmann::json::parse(fixture(name));
    event["id"] = id;
    event["created"] = created;
    return event.dump();
}

class StripeWebhookProcessorTest : public ::testing::Test {
  protected:
    StripeWebhookProcessorTest() {
        customers.add({"42", "zoe@example.com", "Zoe", std::nullopt, {}, {}});
    }

    std::int64_t now_unix() const {
        return std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
    }

    StripeWebhookInput signed_input(std::string body, std::int64_t timestamp = 0,
                                    std::string_view key = secret) {
        if (timestamp == 0)
            timestamp = now_unix();
        StripeWebhookInput input;
        input.signature_header = "t=" + std::to_string(timestamp) +
                                 ",v1=" + stripe::compute_signature(key, timestamp, body);
        input.body = std::move(body);
        input.source_ip = "203.0.113.9";
        input.headers = {{"stripe-signature", input.signature_header}};
        return input;
    }

    StripeWebhookResult receive(const StripeWebhookInput& input) {
        auto result = processor.receive(input);
        EXPECT_TRUE(result) << result.error().describe();
        return result.value_or(StripeWebhookResult{});
    }

    std::vector<outbox::StoredMessage> queued() {
        outbox::ListFilter all;
        all.limit = 100;
        return *outbox.list(all);
    }

    system_clock::time_point now = system_clock::from_time_t(1'795'478'500);
    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore outbox;
    Notifier notifier{renderer, outbox};
    MemoryStripeWebhookLedger ledger;
    MemoryStripeCustomers customers;
    StripeWebhookProcessor processor{ledger, customers, notifier,
                                     StripeWebhookOptions{{std::string(secret)},
                                                          {{"price_TxmailPro", "Pro"}},
                                                          seconds(300),
                                                          [this] { return now; }}};
};

TEST_F(StripeWebhookProcessorTest, ValidCheckoutQueuesOneMessageAndLinksTheCustomer) {
    auto result = receive(signed_input(fixture("checkout.session.completed")));
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.outcome, "queued");
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "payment_confirmation");
    EXPECT_EQ(messages[0].idempotency_key, "stripe:evt_TxmailFixture01");
    EXPECT_EQ(messages[0].message.envelope.recipients,
              (std::vector<std::string>{"zoe@example.com"}));
    EXPECT_EQ((*customers.by_user_id("42"))->stripe_customer_id, "cus_TxmailFixture01");

    const auto event = **ledger.find_event("evt_TxmailFixture01");
    EXPECT_EQ(event.status, stripe_event_status::processed);
    EXPECT_EQ(event.message_ids, (std::vector<std::int64_t>{messages[0].id}));
    const auto audit = *ledger.requests(10);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_TRUE(audit[0].valid);
    EXPECT_EQ(audit[0].outcome, "queued");
    EXPECT_EQ(audit[0].source_ip, "203.0.113.9");
}

TEST_F(StripeWebhookProcessorTest, RefusedSignaturesStoreOnlyTheAuditRow) {
    auto tampered = signed_input(fixture("checkout.session.completed"));
    tampered.body.replace(tampered.body.find("42"), 2, "43");
    auto expired = signed_input(fixture("checkout.session.completed"), now_unix() - 301);
    auto wrong_secret = signed_input(fixture("checkout.session.completed"), 0, "whsec_other");
    auto missing = signed_input(fixture("checkout.session.completed"));
    missing.signature_header.clear();

    for (const auto* input : {&tampered, &expired, &wrong_secret, &missing}) {
        auto result = receive(*input);
        EXPECT_EQ(result.status, 400);
        EXPECT_EQ(result.outcome, "invalid_signature");
        EXPECT_FALSE(result.reason.empty());
    }
    EXPECT_TRUE(queued().empty());
    EXPECT_FALSE(*ledger.find_event("evt_TxmailFixture01"));
    EXPECT_FALSE((*customers.by_user_id("42"))->stripe_customer_id);
    const auto audit = *ledger.requests(10);
    ASSERT_EQ(audit.size(), 4u);
    for (const auto& row : audit) {
        EXPECT_FALSE(row.valid);
        EXPECT_FALSE(row.reason.empty());
        EXPECT_FALSE(row.body.empty());
    }
}

TEST_F(StripeWebhookProcessorTest, TheSameEventThreeTimesQueuesOnce) {
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(receive(signed_input(fixture("checkout.session.completed"))).status, 200);
    EXPECT_EQ(queued().size(), 1u);
    const auto audit = *ledger.requests(10);
    ASSERT_EQ(audit.size(), 3u);
    EXPECT_EQ(audit[0].outcome, "duplicate");
    EXPECT_EQ(audit[2].outcome, "queued");
}

TEST_F(StripeWebhookProcessorTest, AnOlderUpdateAfterANewerOneSendsNothing) {
    customers.add({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}});
    const std::int64_t created = 1'795'478'402;
    EXPECT_EQ(receive(signed_input(variant("customer.subscription.updated", "evt_new", created)))
                  .outcome,
              "queued");
    auto older =
        receive(signed_input(variant("customer.subscription.updated", "evt_old", created - 60)));
    EXPECT_EQ(older.status, 200);
    EXPECT_EQ(older.outcome, "out_of_order");
    EXPECT_EQ(queued().size(), 1u);
}

TEST_F(StripeWebhookProcessorTest, AnUpdateAfterTheDeletionSendsNothing) {
    customers.add({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}});
    EXPECT_EQ(receive(signed_input(fixture("customer.subscription.deleted"))).outcome, "queued");
    // Even an update created after the deletion: the subscription is gone.
    auto late = receive(
        signed_input(variant("customer.subscription.updated", "evt_late", 1'795'478'499)));
    EXPECT_EQ(late.outcome, "out_of_order");
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "subscription_canceled");
}

TEST_F(StripeWebhookProcessorTest, AnUnknownCustomerIsDeliveredOnceLinked) {
    auto result = receive(signed_input(fixture("invoice.payment_failed")));
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.outcome, "pending_customer");
    // zoe@example.com is known, but invoice lookups go by customer id then the invoice email.
    customers.add({"42", "someone-else@example.com", "Zoe", std::nullopt, {}, {}});
    EXPECT_EQ(receive(signed_input(fixture("invoice.payment_failed"))).outcome, "duplicate");
    EXPECT_TRUE(queued().empty());
    EXPECT_EQ((**ledger.find_event("evt_TxmailFixture04")).status,
              stripe_event_status::pending_customer);

    customers.add({"42", "someone-else@example.com", "Zoe", "cus_TxmailFixture01", {}, {}});
    EXPECT_EQ(*processor.deliver_pending_for_customer("cus_TxmailFixture01"), 1);
    EXPECT_EQ(*processor.deliver_pending_for_customer("cus_TxmailFixture01"), 0);
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "payment_failed");
    EXPECT_EQ((**ledger.find_event("evt_TxmailFixture04")).status,
              stripe_event_status::processed);
}

TEST_F(StripeWebhookProcessorTest, OtherEventTypesAreRecordedAndIgnored) {
    auto result = receive(
        signed_input(R"({"id":"evt_other","type":"customer.created","created":1795478400,)"
                     R"("object":"event","data":{"object":{"id":"cus_1"}}})"));
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.outcome, "ignored");
    EXPECT_EQ((**ledger.find_event("evt_other")).status, stripe_event_status::ignored);
    EXPECT_TRUE(queued().empty());
}

}  // namespace
}  // namespace txmail::service
