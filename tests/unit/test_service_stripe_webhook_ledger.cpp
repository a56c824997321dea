// The StripeWebhookLedger contract, run on the memory ledger and on SQLite in a temp file
// (migrated by outbox::open_store, as `txmail serve` does).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "support/temp_directory.h"
#include "txmail/outbox/sqlite/sqlite_store.h"
#include "txmail/outbox/store.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::service {
namespace {

using std::chrono::minutes;

struct Backend {
    std::string name;
    std::function<std::unique_ptr<StripeWebhookLedger>(const testing::TempDirectory&)> open;
};

class StripeWebhookLedgerContract : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override { ledger = GetParam().open(directory); }

    bool claim(const std::string& id, WebhookClock::time_point at) {
        auto claimed = ledger->claim_event(event(id), at, at - minutes(5));
        EXPECT_TRUE(claimed) << claimed.error().describe();
        return claimed && *claimed;
    }

    static StripeEventRecord event(const std::string& id, std::int64_t created = 100) {
        return {id, "invoice.payment_failed", created, "cus_1", {}, {},
                {}, "{\"id\":\"" + id + "\"}"};
    }

    testing::TempDirectory directory;
    std::unique_ptr<StripeWebhookLedger> ledger;
    WebhookClock::time_point now = WebhookClock::from_time_t(1'795'478'500);
};

TEST_P(StripeWebhookLedgerContract, RequestsAreListedNewestFirstWithCursorAndEventFilter) {
    for (int n = 1; n <= 3; ++n) {
        WebhookRequest request;
        request.received_at = now;
        request.source_ip = "203.0.113." + std::to_string(n);
        request.headers = {{"Stripe-Signature", "t=1,v1=ab"}};
        request.body = std::string("raw\xff body ") + std::to_string(n);  // not UTF-8: kept as is
        request.valid = n != 2;
        request.reason = n == 2 ? "no v1 signature" : "";
        request.event_id = n == 2 ? "" : "evt_" + std::to_string(n);
        request.event_type = n == 2 ? "" : "invoice.payment_failed";
        request.outcome = n == 2 ? "invalid_signature" : "queued";
        request.message_ids = {n * 10};
        ASSERT_EQ(ledger->record_request(request).value(), n);
    }
    auto page = ledger->requests({std::nullopt, std::nullopt, 2}).value();
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, 3);
    EXPECT_EQ(page[1].id, 2);
    EXPECT_FALSE(page[1].valid);
    EXPECT_EQ(page[1].reason, "no v1 signature");
    EXPECT_EQ(page[1].outcome, "invalid_signature");
    EXPECT_EQ(page[1].body, std::string("raw\xff body 2"));
    EXPECT_EQ(page[1].headers["Stripe-Signature"], "t=1,v1=ab");
    EXPECT_EQ(page[1].source_ip, "203.0.113.2");
    EXPECT_EQ(page[1].received_at, now);
    EXPECT_EQ(page[1].message_ids, (std::vector<std::int64_t>{20}));

    auto rest = ledger->requests({page[1].id, std::nullopt, 2}).value();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].event_id, "evt_1");
    auto one = ledger->requests({std::nullopt, std::string("evt_3"), 50}).value();
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].id, 3);
}

TEST_P(StripeWebhookLedgerContract, AnEventIsClaimedOnceThenFinished) {
    ASSERT_TRUE(claim("evt_1", now));
    EXPECT_FALSE(claim("evt_1", now));
    EXPECT_EQ(ledger->find_event("evt_1").value().value().status, stripe_event_status::processing);

    StripeEventRecord done = event("evt_1");
    done.status = stripe_event_status::processed;
    done.result = "payment_failed queued for user 42";
    done.message_ids = {7};
    ASSERT_TRUE(ledger->finish_event(done));
    const auto stored = ledger->find_event("evt_1").value().value();
    EXPECT_EQ(stored.status, stripe_event_status::processed);
    EXPECT_EQ(stored.result, "payment_failed queued for user 42");
    EXPECT_EQ(stored.message_ids, (std::vector<std::int64_t>{7}));
    EXPECT_EQ(stored.payload, "{\"id\":\"evt_1\"}");
    EXPECT_FALSE(claim("evt_1", now + minutes(60)));  // finished events are never taken over
    EXPECT_FALSE(ledger->find_event("evt_2")->has_value());
}

TEST_P(StripeWebhookLedgerContract, FinishAndRecordWritesBothOrNeither) {
    ASSERT_TRUE(claim("evt_1", now));
    StripeEventRecord done = event("evt_1");
    done.status = stripe_event_status::processed;
    done.result = "payment_failed queued for user 42";
    done.message_ids = {7};
    WebhookRequest request;
    request.received_at = now;
    request.valid = true;
    request.event_id = "evt_1";
    request.outcome = "queued";
    request.message_ids = {7};
    auto id = ledger->finish_and_record(done, request);
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(ledger->find_event("evt_1").value().value().status, stripe_event_status::processed);
    auto recorded = ledger->requests({std::nullopt, std::string("evt_1"), 50}).value();
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(recorded[0].id, *id);
    EXPECT_EQ(recorded[0].outcome, "queued");

    // An event never claimed cannot be finished, and its request is then not recorded either.
    StripeEventRecord unclaimed = event("evt_2");
    unclaimed.status = stripe_event_status::processed;
    request.event_id = "evt_2";
    auto refused = ledger->finish_and_record(unclaimed, request);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("evt_2 was never claimed"), std::string::npos)
        << refused.error().message;
    EXPECT_TRUE(ledger->requests({std::nullopt, std::string("evt_2"), 50})->empty());
    EXPECT_FALSE(ledger->find_event("evt_2")->has_value());
}

TEST_P(StripeWebhookLedgerContract, AForgottenOrStaleClaimCanBeTakenAgain) {
    ASSERT_TRUE(claim("evt_1", now));
    ASSERT_TRUE(ledger->forget_event("evt_1"));
    EXPECT_FALSE(ledger->find_event("evt_1")->has_value());
    EXPECT_TRUE(claim("evt_1", now));

    EXPECT_FALSE(claim("evt_1", now + minutes(4)));  // still held
    EXPECT_TRUE(claim("evt_1", now + minutes(6)));   // its holder died
}

TEST_P(StripeWebhookLedgerContract, ConcurrentClaimsOfOneEventLetOneThrough) {
    std::atomic<int> winners = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            auto claimed = ledger->claim_event(event("evt_race"), now, now - minutes(5));
            if (claimed && *claimed)
                ++winners;
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(winners, 1);
}

TEST_P(StripeWebhookLedgerContract, PendingEventsAreListedOldestFirstAndReclaimedOnce) {
    for (auto [id, created] : {std::pair{"evt_b", 200}, std::pair{"evt_a", 100}}) {
        ASSERT_TRUE(claim(id, now));
        StripeEventRecord pending = event(id, created);
        pending.status = stripe_event_status::pending_customer;
        ASSERT_TRUE(ledger->finish_event(pending));
    }
    ASSERT_TRUE(claim("evt_done", now));
    auto pending = ledger->pending_for_customer("cus_1").value();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].event_id, "evt_a");
    EXPECT_EQ(pending[0].payload, "{\"id\":\"evt_a\"}");
    EXPECT_TRUE(ledger->pending_for_customer("cus_2")->empty());

    EXPECT_TRUE(ledger->claim_pending("evt_a", now).value());
    EXPECT_FALSE(ledger->claim_pending("evt_a", now).value());
    EXPECT_FALSE(ledger->claim_pending("evt_done", now).value());
    EXPECT_FALSE(ledger->claim_pending("evt_missing", now).value());
    EXPECT_EQ(ledger->pending_for_customer("cus_1")->size(), 1u);
}

TEST_P(StripeWebhookLedgerContract, SubscriptionsAdvanceInOrderAndStopAtDeletion) {
    EXPECT_FALSE(ledger->subscription("sub_1")->has_value());
    EXPECT_TRUE(ledger->advance_subscription("sub_1", 200, false).value());
    EXPECT_FALSE(ledger->advance_subscription("sub_1", 150, false).value());  // older: refused
    EXPECT_TRUE(ledger->advance_subscription("sub_1", 200, false).value());   // a retry of the same
    EXPECT_EQ(ledger->subscription("sub_1").value().value().last_created, 200);

    EXPECT_TRUE(
        ledger->advance_subscription("sub_1", 180, true).value());  // deletion always counts
    const auto state = ledger->subscription("sub_1").value().value();
    EXPECT_TRUE(state.deleted);
    EXPECT_EQ(state.last_created, 200);
    EXPECT_FALSE(ledger->advance_subscription("sub_1", 900, false).value());  // nothing after it
    EXPECT_TRUE(ledger->advance_subscription("sub_2", 1, false).value());     // others unaffected
}

TEST(SqliteStripeWebhookLedger, WritesInTheOutboxsTransactions) {
    testing::TempDirectory directory;
    auto outbox = outbox::sqlite::SqliteStore::open(directory / "txmail.db");
    ASSERT_TRUE(outbox) << outbox.error().describe();
    auto ledger = open_stripe_webhook_ledger("sqlite:///" + (directory / "txmail.db").string());
    ASSERT_TRUE(ledger) << ledger.error().describe();
    const auto before = (*outbox)->transactions();
    WebhookRequest request;
    request.valid = true;
    request.event_id = "evt_1";
    ASSERT_TRUE((*ledger)->record_request(request));
    const auto now = WebhookClock::now();
    ASSERT_TRUE(*(*ledger)->claim_event(
        {"evt_1", "invoice.payment_failed", 1, "cus_1", {}, {}, {}, "{}"}, now, now - minutes(5)));
    EXPECT_EQ((*outbox)->transactions(), before + 2)
        << "the ledger's writes went through the outbox's group commit, not a second writer";
    EXPECT_EQ((*ledger)->requests({}).value().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Ledgers, StripeWebhookLedgerContract,
    ::testing::Values(Backend{"memory",
                              [](const testing::TempDirectory&) {
                                  auto ledger = open_stripe_webhook_ledger("memory://");
                                  if (!ledger)
                                      throw std::runtime_error(ledger.error().describe());
                                  return std::move(*ledger);
                              }},
                      Backend{"sqlite",
                              [](const testing::TempDirectory& directory) {
                                  const std::string url =
                                      "sqlite:///" + (directory / "txmail.db").string();
                                  auto outbox = outbox::open_store(url);  // migrates the file
                                  if (!outbox)
                                      throw std::runtime_error(outbox.error().describe());
                                  auto ledger = open_stripe_webhook_ledger(url);
                                  if (!ledger)
                                      throw std::runtime_error(ledger.error().describe());
                                  return std::move(*ledger);
                              }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace txmail::service
