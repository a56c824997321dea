// The Stripe webhook processor over the memory ledger, the memory contact store, the real
// renderer and notifier and a memory outbox (SQLite where a store must fail), fed the fixtures in
// tests/fixtures/stripe signed with stripe::compute_signature (checked against python3-stripe in
// test_stripe_signature.cpp).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/notify_fixtures.h"
#include "support/temp_directory.h"
#include "support/text_file.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/outbox/sqlite/connection.h"
#include "txmail/service/memory_contact_store.h"
#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/service/stripe_webhook_processor.h"
#include "txmail/stripe/signature.h"

namespace txmail::service {
namespace {

using std::chrono::seconds;

constexpr std::string_view secret = "whsec_test_processor";
const auto fixture_time = WebhookClock::from_time_t(1'795'478'500);

std::string fixture(const std::string& type) {
    return testing::stripe_fixture(type);
}

// The fixture as another event of the same type: new id and created time.
std::string variant(const std::string& type, const std::string& id, std::int64_t created) {
    auto event = nlohmann::json::parse(fixture(type));
    event["id"] = id;
    event["created"] = created;
    return event.dump();
}

StripeWebhookInput signed_input(std::string body, std::int64_t timestamp,
                                std::string_view key = secret) {
    StripeWebhookInput input;
    input.signature_header =
        "t=" + std::to_string(timestamp) + ",v1=" + stripe::compute_signature(key, timestamp, body);
    input.body = std::move(body);
    input.source_ip = "203.0.113.9";
    input.headers = {{"Stripe-Signature", input.signature_header}};
    return input;
}

std::int64_t unix_seconds(WebhookClock::time_point time) {
    return std::chrono::duration_cast<seconds>(time.time_since_epoch()).count();
}

StripeWebhookOptions options_at(const WebhookClock::time_point& now,
                                std::vector<std::string> secrets = {std::string(secret)}) {
    StripeWebhookOptions options;
    options.secrets = std::move(secrets);
    options.price_names = {{"price_TxmailPro", "Pro"}};
    options.clock = [&now] { return now; };
    return options;
}

class StripeWebhookProcessorTest : public ::testing::Test {
  protected:
    StripeWebhookProcessorTest() {
        EXPECT_TRUE(contacts.upsert({"42", "zoe@example.com", "Zoe", std::nullopt, {}, {}}));
    }

    StripeWebhookInput signed_now(std::string body) {
        return signed_input(std::move(body), unix_seconds(now));
    }

    StripeWebhookAnswer receive(const StripeWebhookInput& input) {
        auto answer = processor.receive(input);
        EXPECT_TRUE(answer) << (answer ? "" : answer.error().describe());
        return answer.value_or(StripeWebhookAnswer{0, "error"});
    }

    // Acts on what was received, as `txmail serve`'s worker does behind the answers.
    void act() {
        auto sweep = processor.act_on_received();
        ASSERT_TRUE(sweep) << sweep.error().describe();
        EXPECT_TRUE(sweep->deferred.empty()) << sweep->deferred.front();
    }
    // The answer (200 received), then what acting on the event led to, as its audit row says.
    std::string receive_and_act(const StripeWebhookInput& input) {
        const auto answer = receive(input);
        if (answer.outcome != stripe_event_status::received)
            return "answered " + answer.outcome;
        act();
        return audit().at(0).outcome;
    }

    std::vector<outbox::StoredMessage> queued() { return outbox.list({}).value(); }
    std::vector<WebhookRequest> audit() { return ledger.requests({}).value(); }
    std::optional<StripeEventRecord> stored_event(const std::string& id) {
        return ledger.find_event(id).value();
    }
    void link_zoe() { ASSERT_TRUE(contacts.link_stripe_customer("42", "cus_TxmailFixture01")); }

    WebhookClock::time_point now = fixture_time;
    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore outbox;
    Notifier notifier{renderer, outbox};
    MemoryStripeWebhookLedger ledger;
    MemoryContactStore contacts;
    StripeWebhookProcessor processor{ledger, contacts, notifier, options_at(now)};
};

TEST_F(StripeWebhookProcessorTest, CheckoutQueuesPaymentConfirmationAndLinksTheCustomer) {
    const auto answer = receive(signed_now(fixture("checkout.session.completed")));
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.outcome, "received");
    EXPECT_EQ(answer.event_id, "evt_TxmailFixture01");
    EXPECT_TRUE(queued().empty()) << "acted on behind the answer, not in it";
    EXPECT_EQ(stored_event("evt_TxmailFixture01").value().status, stripe_event_status::received);
    EXPECT_EQ(audit().at(0).outcome, "received");
    EXPECT_EQ(ledger.count_received().value(), 1);

    act();
    EXPECT_EQ(ledger.count_received().value(), 0);
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "payment_confirmation");
    EXPECT_EQ(messages[0].idempotency_key, "stripe:evt_TxmailFixture01");
    EXPECT_EQ(messages[0].message.envelope.recipients,
              (std::vector<std::string>{"zoe@example.com"}));
    EXPECT_EQ(contacts.get("42").value().value().stripe_customer_id, "cus_TxmailFixture01");

    const auto event = stored_event("evt_TxmailFixture01");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->status, stripe_event_status::processed);
    EXPECT_EQ(event->message_ids, (std::vector<std::int64_t>{messages[0].id}));
    EXPECT_TRUE(event->payload.empty()) << "acted on: the audit row alone keeps the body";
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(rows[0].valid);
    EXPECT_EQ(rows[0].body, fixture("checkout.session.completed"));
    EXPECT_EQ(rows[0].outcome, "queued");
    EXPECT_EQ(rows[0].event_type, "checkout.session.completed");
    EXPECT_EQ(rows[0].source_ip, "203.0.113.9");
    EXPECT_EQ(rows[0].message_ids, event->message_ids);
}

TEST_F(StripeWebhookProcessorTest, CheckoutWithoutReferenceFindsTheUserByEmail) {
    auto session = nlohmann::json::parse(fixture("checkout.session.completed"));
    session["data"]["object"].erase("client_reference_id");
    session["data"]["object"]["customer_details"]["email"] = "ZOE@example.com";
    EXPECT_EQ(receive_and_act(signed_now(session.dump())), "queued");
    EXPECT_EQ(contacts.get("42").value().value().stripe_customer_id, "cus_TxmailFixture01");
}

TEST_F(StripeWebhookProcessorTest, EachHandledTypeQueuesItsEmail) {
    link_zoe();
    for (const auto& [type, event] :
         {std::pair{"customer.subscription.updated", "subscription_updated"},
          std::pair{"invoice.payment_failed", "payment_failed"},
          std::pair{"customer.subscription.deleted", "subscription_canceled"}}) {
        EXPECT_EQ(receive_and_act(signed_now(fixture(type))), "queued") << type;
        EXPECT_EQ(queued().back().event, event);
    }
    EXPECT_EQ(queued().size(), 3u);
}

TEST_F(StripeWebhookProcessorTest, RefusedSignaturesStoreOnlyTheAuditRow) {
    auto tampered = signed_now(fixture("checkout.session.completed"));
    tampered.body.replace(tampered.body.find("2900"), 4, "0001");
    auto expired = signed_input(fixture("checkout.session.completed"), unix_seconds(now) - 301);
    auto wrong_secret =
        signed_input(fixture("checkout.session.completed"), unix_seconds(now), "whsec_other");
    auto missing = signed_now(fixture("checkout.session.completed"));
    missing.signature_header.clear();

    for (const auto* input : {&tampered, &expired, &wrong_secret, &missing}) {
        const auto answer = receive(*input);
        EXPECT_EQ(answer.status, 400);
        EXPECT_EQ(answer.outcome, "invalid_signature");
        EXPECT_EQ(answer.field, "Stripe-Signature");
        EXPECT_FALSE(answer.message.empty());
        EXPECT_EQ(answer.message.find(secret), std::string::npos);
    }
    EXPECT_TRUE(queued().empty());
    EXPECT_FALSE(stored_event("evt_TxmailFixture01"));
    EXPECT_FALSE(contacts.get("42").value().value().stripe_customer_id);
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 4u);
    for (const auto& row : rows) {
        EXPECT_FALSE(row.valid);
        EXPECT_EQ(row.outcome, "invalid_signature");
        EXPECT_FALSE(row.reason.empty());
        EXPECT_TRUE(row.event_id.empty());
        EXPECT_FALSE(row.body.empty());
    }
}

TEST_F(StripeWebhookProcessorTest, ASignedButUnparseableBodyIsInvalidPayload) {
    const auto answer = receive(signed_now(R"({"id":"evt_x","type":"invoice.paid"})"));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.outcome, "invalid_payload");
    EXPECT_EQ(answer.field, "body");
    EXPECT_NE(answer.message.find("created"), std::string::npos) << answer.message;
    EXPECT_FALSE(stored_event("evt_x"));
    EXPECT_EQ(audit().at(0).outcome, "invalid_payload");
}

TEST_F(StripeWebhookProcessorTest, WithoutASecretEveryRequestIsNotConfiguredAndAudited) {
    StripeWebhookProcessor unconfigured{ledger, contacts, notifier, options_at(now, {})};
    const auto answer =
        unconfigured.receive(signed_now(fixture("checkout.session.completed"))).value();
    EXPECT_EQ(answer.status, 503);
    EXPECT_EQ(answer.outcome, "not_configured");
    EXPECT_EQ(answer.field, "STRIPE_WEBHOOK_SECRET");
    EXPECT_TRUE(queued().empty());
    EXPECT_EQ(audit().at(0).outcome, "not_configured");
}

TEST_F(StripeWebhookProcessorTest, DuringRotationEitherSecretIsAccepted) {
    StripeWebhookProcessor rotating{ledger, contacts, notifier,
                                    options_at(now, {"whsec_old", std::string(secret)})};
    EXPECT_EQ(rotating.receive(signed_now(fixture("checkout.session.completed")))->outcome,
              "received");
}

TEST_F(StripeWebhookProcessorTest, TheSameEventThreeTimesQueuesOnce) {
    EXPECT_EQ(receive_and_act(signed_now(fixture("checkout.session.completed"))), "queued");
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(receive(signed_now(fixture("checkout.session.completed"))).outcome, "duplicate");
    act();
    EXPECT_EQ(queued().size(), 1u);
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].outcome, "duplicate");
    EXPECT_EQ(rows[1].outcome, "duplicate");
    EXPECT_EQ(rows[2].outcome, "queued");
    EXPECT_EQ(rows[0].message_ids, rows[2].message_ids);  // traceable to the first delivery
}

// Stripe's retry can come before the event is acted on: it is the same event, already answered
// for, and it is acted on once.
TEST_F(StripeWebhookProcessorTest, ADeliveryBeforeTheEventIsActedOnIsADuplicate) {
    link_zoe();
    EXPECT_EQ(receive(signed_now(fixture("invoice.payment_failed"))).outcome, "received");
    const auto again = receive(signed_now(fixture("invoice.payment_failed")));
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.outcome, "duplicate");
    EXPECT_EQ(audit().at(0).reason, "event already received: received");
    act();
    EXPECT_EQ(queued().size(), 1u);
    EXPECT_EQ(audit().at(1).outcome, "queued");
}

// What `txmail serve` answered for before it stopped or crashed is on disk, and acted on by the
// next process over the same ledger.
TEST_F(StripeWebhookProcessorTest, EventsReceivedBeforeARestartAreActedOnAfterIt) {
    link_zoe();
    EXPECT_EQ(receive(signed_now(fixture("invoice.payment_failed"))).outcome, "received");
    EXPECT_EQ(receive(signed_now(fixture("customer.subscription.deleted"))).outcome, "received");
    EXPECT_TRUE(queued().empty());

    StripeWebhookProcessor restarted{ledger, contacts, notifier, options_at(now)};
    const auto sweep = restarted.act_on_received();
    ASSERT_TRUE(sweep) << sweep.error().describe();
    EXPECT_EQ(sweep->acted, 2);
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].event, "payment_failed");  // oldest first
    EXPECT_EQ(messages[1].event, "subscription_canceled");
    EXPECT_EQ(audit().at(1).outcome, "queued");
    EXPECT_EQ(audit().at(1).message_ids, (std::vector<std::int64_t>{messages[0].id}));
    EXPECT_EQ(restarted.act_on_received().value().acted, 0) << "each is acted on once";
}

// A sweep that is asked to stop (`txmail serve` shutting down) ends after the batch in hand; the
// rest waits, received, for the next.
TEST_F(StripeWebhookProcessorTest, ASweepAskedToStopEndsAfterTheBatchInHand) {
    link_zoe();
    StripeWebhookOptions options = options_at(now);
    options.batch = 2;
    StripeWebhookProcessor small_batches{ledger, contacts, notifier, std::move(options)};
    for (int n = 0; n < 5; ++n)
        EXPECT_EQ(small_batches
                      .receive(signed_now(variant("invoice.payment_failed",
                                                  "evt_" + std::to_string(n), 1'795'478'400)))
                      ->outcome,
                  "received");
    EXPECT_EQ(small_batches.act_on_received([] { return false; }).value().acted, 2);
    EXPECT_EQ(ledger.count_received().value(), 3);
    EXPECT_EQ(small_batches.act_on_received().value().acted, 3);
    EXPECT_EQ(queued().size(), 5u);
}

TEST_F(StripeWebhookProcessorTest, ConcurrentDeliveriesOfOneEventQueueOnce) {
    link_zoe();
    const auto input = signed_now(fixture("invoice.payment_failed"));
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] { (void)processor.receive(input); });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(audit().size(), 8u);
    EXPECT_EQ(ledger.count_received().value(), 1);

    // Two processes on one file may both act on it: one email, one outcome.
    StripeWebhookProcessor other{ledger, contacts, notifier, options_at(now)};
    std::thread second([&] { (void)other.act_on_received(); });
    (void)processor.act_on_received();
    second.join();
    EXPECT_EQ(queued().size(), 1u);
    EXPECT_EQ(stored_event("evt_TxmailFixture04").value().status, stripe_event_status::processed);
}

// A delivery while another request delivers the event to its newly linked customer must not be a
// 200: if that request died, Stripe would stop retrying and the email would be lost. A claim
// older than claim_timeout (300 s) is taken over by the next retry.
TEST_F(StripeWebhookProcessorTest, ADeliveryWhileTheEventIsBeingProcessedIsRetriedLater) {
    link_zoe();
    StripeEventRecord held{"evt_TxmailFixture04",
                           "invoice.payment_failed",
                           0,
                           "cus_TxmailFixture01",
                           std::string(stripe_event_status::pending_customer),
                           {},
                           {},
                           "{}"};
    ASSERT_TRUE(ledger.store_event_and_record(held, {}, now - seconds(300)).value().event_stored);
    ASSERT_TRUE(ledger.claim_pending(held.event_id, now).value());

    const auto busy = receive(signed_now(fixture("invoice.payment_failed")));
    EXPECT_EQ(busy.status, 409);
    EXPECT_EQ(busy.outcome, "in_progress");
    EXPECT_TRUE(queued().empty());
    EXPECT_EQ(audit().at(0).outcome, "in_progress");

    now += seconds(301);  // the holder never finished: its claim is stale
    EXPECT_EQ(receive_and_act(signed_now(fixture("invoice.payment_failed"))), "queued");
    EXPECT_EQ(queued().size(), 1u);
}

TEST_F(StripeWebhookProcessorTest, AnOlderUpdateAfterANewerOneSendsNothing) {
    link_zoe();
    const std::int64_t created = 1'795'478'402;
    EXPECT_EQ(
        receive_and_act(signed_now(variant("customer.subscription.updated", "evt_new", created))),
        "queued");
    EXPECT_EQ(receive_and_act(
                  signed_now(variant("customer.subscription.updated", "evt_old", created - 60))),
              "out_of_order");
    EXPECT_EQ(queued().size(), 1u);
    EXPECT_EQ(stored_event("evt_old").value().status, stripe_event_status::ignored);
}

TEST_F(StripeWebhookProcessorTest, NoUpdateIsSentAfterTheDeletion) {
    link_zoe();
    EXPECT_EQ(receive_and_act(signed_now(fixture("customer.subscription.deleted"))), "queued");
    // Even an update created after the deletion: the subscription is gone.
    EXPECT_EQ(receive_and_act(
                  signed_now(variant("customer.subscription.updated", "evt_late", 1'795'478'499))),
              "out_of_order");
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "subscription_canceled");
}

TEST_F(StripeWebhookProcessorTest, AnUnknownCustomerIsKeptAndDeliveredOnceLinked) {
    EXPECT_EQ(receive_and_act(signed_now(fixture("invoice.payment_failed"))), "pending_customer");
    EXPECT_TRUE(queued().empty());  // zoe@example.com matches, but only a link identifies
    const auto kept = stored_event("evt_TxmailFixture04").value();
    EXPECT_EQ(kept.status, stripe_event_status::pending_customer);
    EXPECT_EQ(kept.payload, fixture("invoice.payment_failed")) << "needed again once linked";
    EXPECT_EQ(receive(signed_now(fixture("invoice.payment_failed"))).outcome, "duplicate");

    link_zoe();
    EXPECT_EQ(processor.deliver_pending("cus_TxmailFixture01").value(), 1);
    EXPECT_EQ(processor.deliver_pending("cus_TxmailFixture01").value(), 0);
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "payment_failed");
    EXPECT_EQ(stored_event("evt_TxmailFixture04").value().status, stripe_event_status::processed);
}

TEST_F(StripeWebhookProcessorTest, ALaterCheckoutDeliversWhatWaitedForItsCustomer) {
    EXPECT_EQ(receive_and_act(signed_now(fixture("invoice.payment_failed"))), "pending_customer");
    EXPECT_EQ(receive_and_act(signed_now(fixture("checkout.session.completed"))), "queued");
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].event, "payment_failed");  // queued while linking
    EXPECT_EQ(messages[1].event, "payment_confirmation");
}

// The app may save a user after Stripe's webhook about it (a contact not synced yet): the
// checkout waits for the user it names, and saving that user, by id or by email, delivers it,
// links the customer, and so delivers what waited for the customer too.
TEST_F(StripeWebhookProcessorTest, ACheckoutForAUserNotSavedYetIsDeliveredOnceTheUserIsSaved) {
    ASSERT_TRUE(contacts.remove("42").value());
    EXPECT_EQ(receive_and_act(signed_now(fixture("checkout.session.completed"))),
              "pending_customer");
    EXPECT_EQ(receive_and_act(signed_now(fixture("invoice.payment_failed"))), "pending_customer");
    const auto kept = stored_event("evt_TxmailFixture01").value();
    EXPECT_EQ(kept.for_user_id, "42");
    EXPECT_EQ(kept.for_email, "zoe@example.com");
    EXPECT_EQ(audit().at(1).reason,
              "waiting for user \"42\", or a user with email zoe@example.com, or a user linked "
              "to Stripe customer cus_TxmailFixture01");
    EXPECT_EQ(stored_event("evt_TxmailFixture04").value().for_user_id, "")
        << "an invoice names no user of the app's: only the customer's link releases it";

    const Contact someone_else{"7", "ann@example.com", "Ann", std::nullopt, {}, {}};
    ASSERT_TRUE(contacts.upsert(someone_else));
    EXPECT_EQ(processor.deliver_pending_for(someone_else).value(), 0);

    const Contact zoe{"42", "zoe@example.com", "Zoe", std::nullopt, {}, {}};
    ASSERT_TRUE(contacts.upsert(zoe));
    EXPECT_EQ(processor.deliver_pending_for(zoe).value(), 2);
    EXPECT_EQ(processor.deliver_pending_for(zoe).value(), 0);
    EXPECT_EQ(contacts.get("42").value().value().stripe_customer_id, "cus_TxmailFixture01");
    const auto messages = queued();
    ASSERT_EQ(messages.size(), 2u);
    std::set<std::string> events{messages[0].event, messages[1].event};
    EXPECT_EQ(events, (std::set<std::string>{"payment_confirmation", "payment_failed"}));
    const auto done = stored_event("evt_TxmailFixture01").value();
    EXPECT_EQ(done.status, stripe_event_status::processed);
    EXPECT_EQ(done.for_user_id, "") << "no longer waiting for anyone";
    for (const WebhookRequest& request : audit())
        EXPECT_EQ(request.outcome, "queued") << request.event_id << ": " << request.reason;
}

TEST_F(StripeWebhookProcessorTest, ACheckoutWaitsForTheEmailItNamesAndEvenWithoutACustomer) {
    ASSERT_TRUE(contacts.remove("42").value());
    auto session = nlohmann::json::parse(fixture("checkout.session.completed"));
    session["data"]["object"].erase("client_reference_id");
    session["data"]["object"]["customer"] = nullptr;  // a guest checkout
    EXPECT_EQ(receive_and_act(signed_now(session.dump())), "pending_customer");
    EXPECT_EQ(audit().at(0).reason, "waiting for a user with email zoe@example.com");

    const Contact zoe{"43", "Zoe@Example.com", "Zoe", std::nullopt, {}, {}};
    ASSERT_TRUE(contacts.upsert(zoe));
    EXPECT_EQ(processor.deliver_pending_for(zoe).value(), 1);
    ASSERT_EQ(queued().size(), 1u);
    EXPECT_EQ(queued()[0].event, "payment_confirmation");
    EXPECT_EQ(queued()[0].message.envelope.recipients, std::vector<std::string>{"Zoe@Example.com"});

    session["id"] = "evt_nobody";
    session["data"]["object"]["customer_details"]["email"] = nullptr;
    EXPECT_EQ(receive_and_act(signed_now(session.dump())), "ignored");
    EXPECT_NE(audit().at(0).reason.find("names no customer, client_reference_id or email"),
              std::string::npos)
        << audit().at(0).reason;
}

TEST_F(StripeWebhookProcessorTest, OtherEventTypesAreRecordedAndIgnored) {
    EXPECT_EQ(receive_and_act(
                  signed_now(R"({"id":"evt_other","type":"customer.created","created":1795478400,)"
                             R"("object":"event","data":{"object":{"id":"cus_1"}}})")),
              "ignored");
    EXPECT_EQ(stored_event("evt_other").value().status, stripe_event_status::ignored);
    EXPECT_EQ(audit().at(0).reason, "txmail sends no email for customer.created");
    EXPECT_TRUE(queued().empty());
}

// The outbox failing behind the answer: the event stays received, its audit row says why, and it
// is acted on once its retry is due and the outbox is back.
TEST(StripeWebhookProcessorStoreFailure, AnEmailThatCannotBeQueuedIsTriedAgainLater) {
    testing::TempDirectory directory;
    const auto path = directory / "txmail.db";
    auto outbox = outbox::open_store("sqlite:///" + path.string()).value();
    auto sabotage = outbox::sqlite::Connection::open(path).value();
    const notify::Renderer renderer = testing::notify_renderer();
    Notifier notifier{renderer, *outbox};
    MemoryStripeWebhookLedger ledger;
    MemoryContactStore contacts;
    ASSERT_TRUE(contacts.upsert({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}}));
    WebhookClock::time_point now = fixture_time;
    StripeWebhookProcessor processor{ledger, contacts, notifier, options_at(now)};
    const auto input = signed_input(fixture("invoice.payment_failed"), unix_seconds(now));

    ASSERT_TRUE(sabotage->execute("ALTER TABLE messages RENAME TO messages_away"));
    EXPECT_EQ(processor.receive(input).value().outcome, "received");
    auto failed = processor.act_on_received();
    ASSERT_TRUE(failed) << failed.error().describe();
    EXPECT_EQ(failed->acted, 0);
    ASSERT_EQ(failed->deferred.size(), 1u);
    EXPECT_NE(failed->deferred[0].find("evt_TxmailFixture04"), std::string::npos);
    EXPECT_NE(failed->deferred[0].find("no such table"), std::string::npos) << failed->deferred[0];
    const auto kept = ledger.find_event("evt_TxmailFixture04").value().value();
    EXPECT_EQ(kept.status, stripe_event_status::received);
    EXPECT_EQ(kept.claimed_at, now + seconds(30)) << "not before its retry";
    const auto row = ledger.requests({}).value().at(0);
    EXPECT_EQ(row.outcome, "received");
    EXPECT_NE(row.reason.find("tried again at"), std::string::npos) << row.reason;

    ASSERT_TRUE(sabotage->execute("ALTER TABLE messages_away RENAME TO messages"));
    EXPECT_EQ(processor.act_on_received().value().acted, 0) << "its retry is not due yet";
    now += seconds(30);
    EXPECT_EQ(processor.act_on_received().value().acted, 1);
    EXPECT_EQ(outbox->list({}).value().size(), 1u);
    EXPECT_EQ(ledger.requests({}).value().at(0).outcome, "queued");
}

// The event cannot be stored: the request fails (Stripe retries), the audit row alone says why,
// nothing is queued, and Stripe's retry, once the store is back, leads to the email.
TEST(StripeWebhookProcessorStoreFailure, AnEventThatCannotBeStoredFailsTheRequestAndIsAudited) {
    testing::TempDirectory directory;
    const auto path = directory / "txmail.db";
    auto ledger = open_stripe_webhook_ledger("sqlite:///" + path.string()).value();
    auto sabotage = outbox::sqlite::Connection::open(path).value();
    const notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore outbox;
    Notifier notifier{renderer, outbox};
    MemoryContactStore contacts;
    ASSERT_TRUE(contacts.upsert({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}}));
    WebhookClock::time_point now = fixture_time;
    StripeWebhookProcessor processor{*ledger, contacts, notifier, options_at(now)};

    ASSERT_TRUE(
        sabotage->execute("CREATE TRIGGER no_store BEFORE INSERT ON stripe_events "
                          "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"));
    auto failed =
        processor.receive(signed_input(fixture("invoice.payment_failed"), unix_seconds(now)));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("the disk is full"), std::string::npos)
        << failed.error().message;
    const auto audit = ledger->requests({}).value();
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].outcome, "error");
    EXPECT_NE(audit[0].reason.find("the disk is full"), std::string::npos) << audit[0].reason;
    EXPECT_FALSE(ledger->find_event("evt_TxmailFixture04").value());
    EXPECT_EQ(processor.act_on_received().value().acted, 0);
    EXPECT_TRUE(outbox.list({}).value().empty());

    ASSERT_TRUE(sabotage->execute("DROP TRIGGER no_store"));
    auto retried =
        processor.receive(signed_input(fixture("invoice.payment_failed"), unix_seconds(now)));
    ASSERT_TRUE(retried) << retried.error().describe();
    EXPECT_EQ(retried->outcome, "received");
    EXPECT_EQ(processor.act_on_received().value().acted, 1);
    EXPECT_EQ(outbox.list({}).value().size(), 1u);
    EXPECT_EQ(ledger->find_event("evt_TxmailFixture04").value().value().status,
              stripe_event_status::processed);
}

}  // namespace
}  // namespace txmail::service
