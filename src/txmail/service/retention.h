// Retention: what txmail keeps of finished work. Nothing is deleted by default; with
// TXMAIL_RETENTION set, `txmail serve` purges at start and every hour, on a thread of its own,
// the finished messages (sent, dead, canceled) created longer ago and the Stripe webhook
// requests' audit rows received longer ago (outbox::Store::purge_finished,
// StripeWebhookLedger::purge_requests: each in short transactions, beside the answers).
// `txmail outbox purge --older-than` is the same purge once, for cron.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "txmail/config/settings.h"
#include "txmail/outbox/store.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::service {

struct Purged {
    std::int64_t messages = 0;
    std::int64_t webhook_requests = 0;
};

// Both purges, up to `before`; the second is skipped once `stop` is requested.
Result<Purged> purge_before(outbox::Store& store, StripeWebhookLedger& ledger,
                            outbox::TimePoint before, std::stop_token stop = {});
// "3 finished messages and 1 Stripe webhook request".
std::string describe(const Purged& purged);

// The shortest retention accepted, by TXMAIL_RETENTION and by `txmail outbox purge
// --older-than` alike: a shorter one would delete messages before anyone could look at why they
// failed (and `--older-than 0d`, one digit short of 90d, would delete the whole history).
inline constexpr std::chrono::hours shortest_retention{1};
// An error naming `name` and the `text` it was given when `keep` is shorter than that.
Result<void> check_retention(std::chrono::milliseconds keep, const std::string& name,
                             const std::string& text);

// TXMAIL_RETENTION: nullopt when unset (keep everything); an error naming the setting and its
// value when it is not a duration of at least shortest_retention.
Result<std::optional<std::chrono::milliseconds>> retention_from(const config::Settings& settings);

class RetentionWorker {
  public:
    // `report` is told what each purge deleted, or why it failed (tried again at the next
    // round); it is called on the worker's thread. The store and the ledger must outlive it.
    RetentionWorker(outbox::Store& store, StripeWebhookLedger& ledger,
                    std::chrono::milliseconds keep, std::chrono::milliseconds every,
                    std::function<void(const std::string&)> report)
        : store_(store), ledger_(ledger), keep_(keep), every_(every), report_(std::move(report)) {}
    ~RetentionWorker() { stop(); }
    RetentionWorker(const RetentionWorker&) = delete;
    RetentionWorker& operator=(const RetentionWorker&) = delete;

    void start();
    // Lets a purge in progress finish the batch in hand, then joins.
    void stop();

  private:
    void run();

    outbox::Store& store_;
    StripeWebhookLedger& ledger_;
    std::chrono::milliseconds keep_;
    std::chrono::milliseconds every_;
    std::function<void(const std::string&)> report_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::stop_source purge_stop_;  // ends a purge in progress between two batches
    std::thread thread_;
};

}  // namespace txmail::service
