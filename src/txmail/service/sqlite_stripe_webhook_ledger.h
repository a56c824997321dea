// The StripeWebhookLedger in the outbox's SQLite file (tables stripe_webhook_requests,
// stripe_events, stripe_subscriptions: migrations 3 and 5 in outbox/sqlite/migrations.cpp). Writes
// go through the file's shared writer (outbox/sqlite/shared_writer.h), in the same transactions as
// the outbox's enqueues; reads use a connection of their own. Storing an event is one INSERT ...
// ON CONFLICT and the subscription step one read-and-write unit in the writer's IMMEDIATE
// transaction, so they hold across processes sharing the file too. Errors carry SQLite's message.
// Writes wait for their commit, not for the disk (why: write() in the .cpp): they become durable
// with the sync that follows each batch. An event's store with its audit row waits for the disk,
// and so does the finish of a claim on an event kept for an unknown customer. A power cut (not a
// crash) can lose the audit rows of the last refused requests.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/shared_writer.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::service {

class SqliteStripeWebhookLedger final : public StripeWebhookLedger {
  public:
    // The file must already be migrated (open the outbox store on it first).
    static Result<std::unique_ptr<SqliteStripeWebhookLedger>> open(
        const std::filesystem::path& path);

    Result<std::int64_t> record_request(const WebhookRequest& request) override;
    Result<std::vector<WebhookRequest>> requests(const WebhookRequestFilter& filter) override;
    Result<RecordedRequest> store_event_and_record(const StripeEventRecord& record,
                                                   const WebhookRequest& request,
                                                   WebhookClock::time_point stale_before) override;
    void store_event_and_record_async(StripeEventRecord record, WebhookRequest request,
                                      WebhookClock::time_point stale_before,
                                      StoreDone done) override;
    void record_request_async(WebhookRequest request, RecordDone done) override;
    Result<std::vector<ReceivedEvent>> received_events(WebhookClock::time_point now,
                                                       std::size_t limit) override;
    Result<std::int64_t> count_received() override;
    Result<bool> finish_received(const StripeEventRecord& record, std::int64_t request_id,
                                 std::string_view request_outcome) override;
    void finish_received_async(StripeEventRecord record, std::int64_t request_id,
                               std::string request_outcome, FinishDone done) override;
    Result<bool> claim_pending(const std::string& event_id, WebhookClock::time_point now) override;
    Result<void> finish_event(const StripeEventRecord& record,
                              std::string_view request_outcome) override;
    Result<std::optional<StripeEventRecord>> find_event(const std::string& event_id) override;
    Result<std::vector<StripeEventRecord>> pending_for_customer(
        const std::string& customer_id) override;
    Result<std::vector<StripeEventRecord>> pending_for_user(const std::string& user_id,
                                                            const std::string& email) override;
    Result<bool> advance_subscription(const std::string& subscription_id, std::int64_t created,
                                      bool deletes) override;
    Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) override;
    Result<std::int64_t> purge_requests(WebhookClock::time_point received_before,
                                        std::stop_token stop) override;

  private:
    using Await = outbox::sqlite::GroupCommit::Await;
    using Work = outbox::sqlite::GroupCommit::Work;
    explicit SqliteStripeWebhookLedger(outbox::sqlite::StoreFile file)
        : writer_(std::move(file.writer)), reader_(std::move(file.reader)) {}
    Result<void> write(const Work& work, Await await = Await::committed);
    // The statements of record_request() and store_event_and_record(), for the writer's thread.
    static Result<std::int64_t> insert_request(outbox::sqlite::Connection& connection,
                                               const WebhookRequest& request);
    static Result<bool> update_received(outbox::sqlite::Connection& connection,
                                        const StripeEventRecord& record, std::int64_t request_id,
                                        std::string_view request_outcome);
    static Result<bool> store_event(outbox::sqlite::Connection& connection,
                                    const StripeEventRecord& record,
                                    WebhookClock::time_point stale_before);

    std::shared_ptr<outbox::sqlite::SharedWriter> writer_;
    std::mutex reader_mutex_;
    std::unique_ptr<outbox::sqlite::Connection> reader_;
};

}  // namespace txmail::service
