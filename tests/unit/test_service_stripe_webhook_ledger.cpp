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
#include "txmail/util/wait_for_answer.h"

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

    // Stores the event with `status` and a request for it, as a webhook's last write does.
    bool store(const StripeEventRecord& record, WebhookClock::time_point at) {
        auto stored =
            ledger->store_event_and_record(record, request_for(record.event_id), at - minutes(5));
        EXPECT_TRUE(stored) << stored.error().describe();
        return stored && stored->event_stored;
    }

    static StripeEventRecord event(const std::string& id, std::int64_t created = 100,
                                   std::string_view status = stripe_event_status::processed) {
        return {id, "invoice.payment_failed", created, "cus_1", std::string(status), {},
                {}, "{\"id\":\"" + id + "\"}"};
    }

    WebhookRequest request_for(const std::string& id) const {
        WebhookRequest request;
        request.received_at = now;
        request.valid = true;
        request.event_id = id;
        request.outcome = "queued";
        request.message_ids = {7};
        return request;
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

TEST_P(StripeWebhookLedgerContract, AnEventIsStoredOnceWithItsRequest) {
    StripeEventRecord done = event("evt_1");
    done.result = "payment_failed queued for user 42";
    done.message_ids = {7};
    auto first = ledger->store_event_and_record(done, request_for("evt_1"), now - minutes(5));
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_TRUE(first->event_stored);
    const auto stored = ledger->find_event("evt_1").value().value();
    EXPECT_EQ(stored.status, stripe_event_status::processed);
    EXPECT_EQ(stored.result, "payment_failed queued for user 42");
    EXPECT_EQ(stored.message_ids, (std::vector<std::int64_t>{7}));
    EXPECT_EQ(stored.payload, "{\"id\":\"evt_1\"}");
    EXPECT_FALSE(ledger->find_event("evt_2")->has_value());

    // A second delivery that acted too (concurrently) is recorded as a duplicate of the first.
    StripeEventRecord again = event("evt_1", 100, stripe_event_status::ignored);
    auto second = ledger->store_event_and_record(again, request_for("evt_1"), now + minutes(60));
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_FALSE(second->event_stored);  // a stored outcome is never taken over
    EXPECT_FALSE(second->in_progress);
    EXPECT_EQ(ledger->find_event("evt_1").value().value().status, stripe_event_status::processed);
    auto recorded = ledger->requests({std::nullopt, std::string("evt_1"), 50}).value();
    ASSERT_EQ(recorded.size(), 2u);
    EXPECT_EQ(recorded[1].id, first->id);
    EXPECT_EQ(recorded[1].outcome, "queued");
    EXPECT_EQ(recorded[0].id, second->id);
    EXPECT_EQ(recorded[0].outcome, "duplicate");
    EXPECT_EQ(recorded[0].reason, "event already received: processed");
    EXPECT_EQ(recorded[0].message_ids, (std::vector<std::int64_t>{7}));
}

// The forms `txmail serve` answers Stripe from: each answers what the blocking call would, and
// only once its rows are written (the callback reads them back, as Stripe's next delivery would).
TEST_P(StripeWebhookLedgerContract, TheAsyncWritesAnswerOnceTheirRowsAreWritten) {
    struct Seen {
        Result<RecordedRequest> stored;
        std::optional<StripeEventRecord> event;
        std::size_t requests = 0;
    };
    const auto store_async = [&](const std::string& id) {
        return wait_for_answer<Seen>([&](std::function<void(Seen)> done) {
            ledger->store_event_and_record_async(
                event(id), request_for(id), now - minutes(5),
                [&, id, done](Result<RecordedRequest> stored) {
                    done({stored, ledger->find_event(id).value(),
                          ledger->requests({std::nullopt, id, 50})->size()});
                });
        });
    };
    const Seen first = store_async("evt_async");
    ASSERT_TRUE(first.stored) << first.stored.error().describe();
    EXPECT_TRUE(first.stored->event_stored);
    ASSERT_TRUE(first.event.has_value());
    EXPECT_EQ(first.event->status, stripe_event_status::processed);
    EXPECT_EQ(first.requests, 1u);
    const Seen again = store_async("evt_async");
    ASSERT_TRUE(again.stored) << again.stored.error().describe();
    EXPECT_FALSE(again.stored->event_stored);
    EXPECT_EQ(again.requests, 2u);

    WebhookRequest refused;
    refused.received_at = now;
    refused.outcome = "invalid_signature";
    const auto [id, listed] =
        wait_for_answer<std::pair<Result<std::int64_t>, std::size_t>>([&](auto done) {
            ledger->record_request_async(refused, [&, done](Result<std::int64_t> recorded) {
                done({recorded, ledger->requests({std::nullopt, std::nullopt, 50})->size()});
            });
        });
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(*id, again.stored->id + 1);
    EXPECT_EQ(listed, 3u);
}

TEST_P(StripeWebhookLedgerContract, AStaleClaimIsTakenOverAndAFreshOneIsNot) {
    ASSERT_TRUE(store(event("evt_1", 100, stripe_event_status::pending_customer), now));
    ASSERT_TRUE(ledger->claim_pending("evt_1", now).value());
    const auto claimed = ledger->find_event("evt_1").value().value();
    EXPECT_EQ(claimed.status, stripe_event_status::processing);
    EXPECT_EQ(claimed.claimed_at, now);

    // Still held: the delivery is recorded as in progress (the webhook answers 409), with none of
    // what the event led to.
    const auto held = ledger->store_event_and_record(event("evt_1"), request_for("evt_1"),
                                                     now + minutes(4) - minutes(5));
    ASSERT_TRUE(held) << held.error().describe();
    EXPECT_FALSE(held->event_stored);
    EXPECT_TRUE(held->in_progress);
    const auto recorded = ledger->requests({std::nullopt, std::string("evt_1"), 50}).value();
    ASSERT_EQ(recorded.size(), 2u);
    EXPECT_EQ(recorded[0].outcome, "in_progress");
    EXPECT_EQ(recorded[0].reason, "event evt_1 is being processed by another request; retry later");
    EXPECT_TRUE(recorded[0].message_ids.empty());

    EXPECT_TRUE(store(event("evt_1"), now + minutes(6)));  // its holder died
    EXPECT_EQ(ledger->find_event("evt_1").value().value().status, stripe_event_status::processed);
}

TEST_P(StripeWebhookLedgerContract, ConcurrentStoresOfOneEventLetOneThrough) {
    std::atomic<int> winners = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            if (store(event("evt_race"), now))
                ++winners;
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(winners, 1);
    EXPECT_EQ(ledger->requests({std::nullopt, std::string("evt_race"), 50})->size(), 8u);
}

TEST_P(StripeWebhookLedgerContract, PendingEventsAreListedOldestFirstAndReclaimedOnce) {
    for (auto [id, created] : {std::pair{"evt_b", 200}, std::pair{"evt_a", 100}})
        ASSERT_TRUE(store(event(id, created, stripe_event_status::pending_customer), now));
    ASSERT_TRUE(store(event("evt_done"), now));
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

    StripeEventRecord delivered = event("evt_a", 100);
    delivered.result = "payment_failed queued for user 42";
    delivered.message_ids = {9};
    ASSERT_TRUE(ledger->finish_event(delivered, "queued"));
    const auto finished = ledger->find_event("evt_a").value().value();
    EXPECT_EQ(finished.status, stripe_event_status::processed);
    EXPECT_EQ(finished.message_ids, (std::vector<std::int64_t>{9}));
    EXPECT_EQ(finished.payload, "{\"id\":\"evt_a\"}");
    auto unknown = ledger->finish_event(event("evt_missing"), "queued");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("evt_missing was never stored"), std::string::npos);
}

TEST_P(StripeWebhookLedgerContract, PendingCheckoutsAreFoundByTheUserTheyName) {
    auto checkout = [&](const std::string& id, std::string user_id, std::string email,
                        std::string_view status = stripe_event_status::pending_customer) {
        StripeEventRecord record = event(id, 100, status);
        record.type = "checkout.session.completed";
        record.customer_id.clear();
        record.for_user_id = std::move(user_id);
        record.for_email = std::move(email);
        return record;
    };
    ASSERT_TRUE(store(checkout("evt_zoe", "42", "Zoe@example.com"), now));
    ASSERT_TRUE(store(checkout("evt_ann", "", "ann@example.com"), now));
    ASSERT_TRUE(
        store(checkout("evt_done", "42", "zoe@example.com", stripe_event_status::processed), now));
    auto ids = [&](const std::string& user_id, const std::string& email) {
        const auto pending = ledger->pending_for_user(user_id, email);
        EXPECT_TRUE(pending) << pending.error().describe();
        std::vector<std::string> found;
        for (const auto& record : pending.value_or(std::vector<StripeEventRecord>{}))
            found.push_back(record.event_id);
        return found;
    };
    using Ids = std::vector<std::string>;
    EXPECT_EQ(ids("42", "nobody@example.com"), Ids{"evt_zoe"});
    EXPECT_EQ(ids("9", "zoe@EXAMPLE.com"), Ids{"evt_zoe"}) << "ASCII case aside";
    EXPECT_EQ(ids("7", "ann@example.com"), Ids{"evt_ann"});
    EXPECT_EQ(ids("", ""), Ids{}) << "an empty id or email names nobody";

    // What acting on a received event writes keeps who it waits for; a finish that no longer
    // waits clears it.
    ASSERT_TRUE(store(checkout("evt_bob", "", "", stripe_event_status::received), now));
    const std::int64_t bob_request =
        ledger->requests({std::nullopt, std::string("evt_bob"), 50}).value().at(0).id;
    StripeEventRecord bob = checkout("evt_bob", "8", "bob@example.com");
    bob.result = "waiting for user \"8\"";
    ASSERT_TRUE(ledger->finish_received(bob, bob_request, "pending_customer").value());
    EXPECT_EQ(ids("8", ""), Ids{"evt_bob"});
    ASSERT_TRUE(ledger->claim_pending("evt_bob", now).value());
    EXPECT_EQ(ids("8", ""), Ids{}) << "claimed: being delivered";

    // Delivered in the end: the request that brought it says so, not that it waits.
    bob = checkout("evt_bob", "", "", stripe_event_status::processed);
    bob.result = "payment_confirmation queued for user 8";
    bob.message_ids = {12};
    ASSERT_TRUE(ledger->finish_event(bob, "queued"));
    EXPECT_EQ(ledger->find_event("evt_bob").value().value().for_user_id, "");
    const auto audit = ledger->requests({std::nullopt, std::string("evt_bob"), 50}).value();
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].outcome, "queued");
    EXPECT_EQ(audit[0].reason, "payment_confirmation queued for user 8");
    EXPECT_EQ(audit[0].message_ids, (std::vector<std::int64_t>{12}));
    ASSERT_TRUE(ledger->finish_event(checkout("evt_ann", "", "ann@example.com"),
                                     stripe_event_status::pending_customer));
    EXPECT_EQ(ids("", "ann@example.com"), Ids{"evt_ann"});
    EXPECT_EQ(ledger->requests({std::nullopt, std::string("evt_ann"), 50}).value().at(0).outcome,
              "queued")
        << "only rows that said pending_customer are rewritten";
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

// A webhook stores its event as received; behind the answer it is listed, oldest first and once
// due, and its outcome is written into the event and the request that brought it.
TEST_P(StripeWebhookLedgerContract, ReceivedEventsAreListedWithTheirRequestAndFinishedOnce) {
    std::vector<std::int64_t> request_ids;
    for (const std::string id : {"evt_b", "evt_a", "evt_c"}) {
        WebhookRequest request = request_for(id);
        request.outcome = stripe_event_status::received;
        request.message_ids = {};
        request.body = "{\"id\":\"" + id + "\"}";
        StripeEventRecord received = event(id, 100, stripe_event_status::received);
        received.payload.clear();
        auto stored = ledger->store_event_and_record(received, request, now - minutes(5));
        ASSERT_TRUE(stored) << stored.error().describe();
        request_ids.push_back(stored->id);
    }
    EXPECT_EQ(ledger->count_received().value(), 3);
    auto due = ledger->received_events(now, 2).value();
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].event_id, "evt_b") << "oldest first, not by id";
    EXPECT_EQ(due[0].request_id, request_ids[0]);
    EXPECT_EQ(due[0].body, "{\"id\":\"evt_b\"}") << "from the request's audit row";
    EXPECT_EQ(due[1].event_id, "evt_a");

    StripeEventRecord queued = event("evt_b");
    queued.result = "payment_failed queued for user 42";
    queued.message_ids = {9};
    queued.payload.clear();
    EXPECT_TRUE(ledger->finish_received(queued, request_ids[0], "queued").value());
    EXPECT_FALSE(ledger->finish_received(queued, request_ids[0], "queued").value())
        << "finished once: a second process's outcome is not written";
    const auto stored = ledger->find_event("evt_b").value().value();
    EXPECT_EQ(stored.status, stripe_event_status::processed);
    EXPECT_EQ(stored.message_ids, (std::vector<std::int64_t>{9}));
    auto row = ledger->requests({std::nullopt, std::string("evt_b"), 50}).value().at(0);
    EXPECT_EQ(row.outcome, "queued");
    EXPECT_EQ(row.reason, "payment_failed queued for user 42");
    EXPECT_EQ(row.message_ids, (std::vector<std::int64_t>{9}));

    // A failure: still received, not before its retry, the audit row saying why.
    StripeEventRecord deferred = event("evt_a", 100, stripe_event_status::received);
    deferred.payload.clear();
    deferred.result = "not acted on yet: the disk is full";
    deferred.claimed_at = now + minutes(1);
    EXPECT_TRUE(ledger->finish_received(deferred, request_ids[1], "received").value());
    EXPECT_EQ(ledger->count_received().value(), 2);
    due = ledger->received_events(now, 10).value();
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].event_id, "evt_c");
    due = ledger->received_events(now + minutes(1), 10).value();
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].event_id, "evt_c") << "a retry goes behind the events due before it";
    EXPECT_EQ(due[1].event_id, "evt_a");
    row = ledger->requests({std::nullopt, std::string("evt_a"), 50}).value().at(0);
    EXPECT_EQ(row.outcome, "received");
    EXPECT_EQ(row.reason, "not acted on yet: the disk is full");

    // A received event's redelivery is a duplicate; the list still holds the first request.
    EXPECT_FALSE(ledger
                     ->store_event_and_record(event("evt_c", 100, stripe_event_status::received),
                                              request_for("evt_c"), now - minutes(5))
                     ->event_stored);
    due = ledger->received_events(now, 10).value();
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].request_id, request_ids[2]);
}

TEST_P(StripeWebhookLedgerContract, PurgeDeletesOldRequestsButNotOnesWhoseEventWaits) {
    const auto long_ago = now - std::chrono::hours(2);
    auto store_at = [&](const std::string& id, WebhookClock::time_point at,
                        std::string_view outcome) {
        WebhookRequest request = request_for(id);
        request.received_at = at;
        request.outcome = std::string(outcome);
        request.body = "{\"id\":\"" + id + "\"}";
        auto stored = ledger->store_event_and_record(event(id), request, at - minutes(5));
        EXPECT_TRUE(stored) << stored.error().describe();
    };
    store_at("evt_old", long_ago, "queued");
    store_at("evt_waiting", long_ago, stripe_event_status::received);
    WebhookRequest refused;
    refused.received_at = long_ago;
    refused.outcome = "invalid_signature";
    refused.body = "forged";
    ASSERT_TRUE(ledger->record_request(refused));
    store_at("evt_new", now, "queued");

    auto purged = ledger->purge_requests(now - std::chrono::hours(1), {});
    ASSERT_TRUE(purged) << purged.error().describe();
    EXPECT_EQ(*purged, 2);
    const auto requests = ledger->requests({});
    ASSERT_TRUE(requests);
    std::vector<std::string> left;
    for (const auto& request : *requests)
        left.push_back(request.event_id);
    EXPECT_EQ(left, (std::vector<std::string>{"evt_new", "evt_waiting"}));

    EXPECT_TRUE(ledger->find_event("evt_old").value().has_value()) << "events stay";
    EXPECT_FALSE(store(event("evt_old"), now)) << "a redelivery is still a duplicate";
    EXPECT_EQ(ledger->purge_requests(now - std::chrono::hours(1), {}).value(), 0);
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
    ASSERT_TRUE((*ledger)->store_event_and_record(
        {"evt_1", "invoice.payment_failed", 1, "cus_1", "processed", {}, {}, "{}"}, request,
        now - minutes(5)));
    EXPECT_EQ((*outbox)->transactions(), before + 2)
        << "the ledger's writes went through the outbox's group commit, not a second writer";
    EXPECT_EQ((*ledger)->requests({}).value().size(), 2u);
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
