// Retention (service/retention.h): TXMAIL_RETENTION read with its bounds, and the worker behind
// `txmail serve` purging old finished messages and webhook requests at its start.
#include "txmail/service/retention.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "support/rendered_messages.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/memory_stripe_webhook_ledger.h"

namespace txmail::service {
namespace {

using namespace std::chrono_literals;

Result<std::optional<std::chrono::milliseconds>> retention(
    std::map<std::string, std::string> values) {
    return retention_from(config::Settings::from_map(std::move(values)));
}

TEST(Retention, UnsetKeepsEverythingAndADurationOfAnHourOrMoreIsTheRetention) {
    EXPECT_EQ(retention({}).value(), std::nullopt);
    EXPECT_EQ(retention({{"TXMAIL_RETENTION", ""}}).value(), std::nullopt);
    EXPECT_EQ(retention({{"TXMAIL_RETENTION", "90d"}}).value(),
              std::optional<std::chrono::milliseconds>(std::chrono::days(90)));
    EXPECT_EQ(retention({{"TXMAIL_RETENTION", "1h"}}).value(),
              std::optional<std::chrono::milliseconds>(1h));
}

TEST(Retention, ABadOrTooShortValueIsAnErrorNamingTheSettingAndTheValue) {
    for (const std::string value : {"30min", "soon", "-5d"}) {
        auto refused = retention({{"TXMAIL_RETENTION", value}});
        ASSERT_FALSE(refused) << value;
        EXPECT_EQ(refused.error().field, "TXMAIL_RETENTION") << value;
        EXPECT_NE(refused.error().message.find(value), std::string::npos)
            << refused.error().message;
    }
}

TEST(Retention, DescribeCountsEachKindWithItsPlural) {
    EXPECT_EQ(describe({3, 1}), "3 finished messages and 1 Stripe webhook request");
    EXPECT_EQ(describe({1, 0}), "1 finished message and 0 Stripe webhook requests");
}

TEST(Retention, TheWorkerPurgesAtItsStartAndReportsWhatItDeleted) {
    outbox::MemoryStore store;
    MemoryStripeWebhookLedger ledger;
    outbox::NewMessage message;
    message.event = "welcome";
    message.message = testing::rendered_message("old");
    const auto finished = store.enqueue(message);
    ASSERT_TRUE(finished);
    ASSERT_TRUE(store.cancel(finished->id, "left"));
    const auto waiting = store.enqueue(message);
    ASSERT_TRUE(waiting);
    WebhookRequest refused;
    refused.received_at = WebhookClock::now() - 1min;
    refused.outcome = "invalid_signature";
    ASSERT_TRUE(ledger.record_request(refused));

    std::mutex mutex;
    std::condition_variable reported;
    std::vector<std::string> reports;
    // keep 0: everything finished before the worker's start is old enough.
    RetentionWorker worker(store, ledger, 0ms, 1h, [&](const std::string& what) {
        std::lock_guard lock(mutex);
        reports.push_back(what);
        reported.notify_all();
    });
    worker.start();
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(reported.wait_for(lock, 10s, [&] { return !reports.empty(); }));
    }
    worker.stop();
    EXPECT_EQ(reports.size(), 1u) << "one purge at start, the next an hour later";
    EXPECT_EQ(reports.front(),
              "retention: purged 1 finished message and 1 Stripe webhook request older than 0ms");
    EXPECT_FALSE(store.get(finished->id).value().has_value());
    EXPECT_TRUE(store.get(waiting->id).value().has_value()) << "waiting messages stay";
    EXPECT_TRUE(ledger.requests({}).value().empty());
}

}  // namespace
}  // namespace txmail::service
