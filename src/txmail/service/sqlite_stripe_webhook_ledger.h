// The StripeWebhookLedger in the outbox's SQLite file (tables stripe_webhook_requests,
// stripe_events, stripe_subscriptions: migration 3 in outbox/sqlite/migrations.cpp, applied by
// outbox::open_store). One connection behind a mutex; the event claim is one INSERT ... ON
// CONFLICT and the subscription step one IMMEDIATE transaction, so they hold across processes
// sharing the file too. Errors carry SQLite's message.
// Commits use synchronous=NORMAL (why: open() in the .cpp): they become durable with the email's
// enqueue that follows them; only an event kept for an unknown customer is synced on its own.
// A power cut (not a crash) can lose the audit rows of the last requests that queued nothing.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::service {

class SqliteStripeWebhookLedger final : public StripeWebhookLedger {
  public:
    // The file must already be migrated (open the outbox store on it first).
    static Result<std::unique_ptr<SqliteStripeWebhookLedger>> open(
        const std::filesystem::path& path);

    Result<std::int64_t> record_request(const WebhookRequest& request) override;
    Result<std::vector<WebhookRequest>> requests(const WebhookRequestFilter& filter) override;
    Result<bool> claim_event(const StripeEventRecord& record, WebhookClock::time_point now,
                             WebhookClock::time_point stale_before) override;
    Result<bool> claim_pending(const std::string& event_id, WebhookClock::time_point now) override;
    Result<void> finish_event(const StripeEventRecord& record) override;
    Result<void> forget_event(const std::string& event_id) override;
    Result<std::optional<StripeEventRecord>> find_event(const std::string& event_id) override;
    Result<std::vector<StripeEventRecord>> pending_for_customer(
        const std::string& customer_id) override;
    Result<bool> advance_subscription(const std::string& subscription_id, std::int64_t created,
                                      bool deletes) override;
    Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) override;

  private:
    explicit SqliteStripeWebhookLedger(std::unique_ptr<outbox::sqlite::Connection> connection)
        : connection_(std::move(connection)) {}
    Result<std::vector<StripeEventRecord>> events_where(std::string_view condition,
                                                        const std::string& value);
    Result<std::optional<SubscriptionState>> load_subscription(const std::string& id);
    Result<void> update_event(const StripeEventRecord& record);  // mutex_ held

    std::mutex mutex_;
    std::unique_ptr<outbox::sqlite::Connection> connection_;
};

}  // namespace txmail::service
