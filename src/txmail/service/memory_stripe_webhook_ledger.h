// The in-memory StripeWebhookLedger: one process, for tests and memory://; same contract as the
// SQLite one (tests/unit/test_service_stripe_webhook_ledger.cpp).
#pragma once

#include <map>
#include <mutex>

#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::service {

class MemoryStripeWebhookLedger final : public StripeWebhookLedger {
  public:
    Result<std::int64_t> record_request(const WebhookRequest& request) override;
    Result<std::vector<WebhookRequest>> requests(const WebhookRequestFilter& filter) override;
    Result<RecordedRequest> store_event_and_record(const StripeEventRecord& record,
                                                   const WebhookRequest& request,
                                                   WebhookClock::time_point stale_before) override;
    Result<std::vector<ReceivedEvent>> received_events(WebhookClock::time_point now,
                                                       std::size_t limit) override;
    Result<std::int64_t> count_received() override;
    Result<bool> finish_received(const StripeEventRecord& record, std::int64_t request_id,
                                 std::string_view request_outcome) override;
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
    Result<std::int64_t> purge_requests(WebhookClock::time_point received_before,
                                        std::stop_token stop) override;
    Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) override;

  private:
    // record_request() with the mutex held.
    std::int64_t insert_request(const WebhookRequest& request);

    std::mutex mutex_;
    std::map<std::int64_t, WebhookRequest> requests_;  // by id
    std::map<std::string, StripeEventRecord> events_;
    std::map<std::string, SubscriptionState> subscriptions_;
};

}  // namespace txmail::service
