// The Stripe webhook ledger: what txmail remembers about webhook requests and events, so that a
// missing email can be traced to the request that should have caused it (issue 7, item 4).
//
//   requests       every POST /webhooks/stripe, valid or not: time, source IP, headers, raw body,
//                  why it was refused, and what it led to (the audit, GET /v1/webhooks/stripe/events)
//   events         each Stripe event id once (Stripe delivers an event more than once), with its
//                  status: processed | ignored | pending_customer, and the raw payload so an event
//                  waiting for its customer can be delivered once the customer is linked
//   subscriptions  per subscription, the `created` of the last event acted on and whether it was
//                  deleted: Stripe does not promise order
//
// Implementations: memory (tests, embedded defaults). Errors are the store's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "txmail/util/error.h"

namespace txmail::service {

struct WebhookRequest {
    std::int64_t id = 0;  // assigned by record_request
    std::chrono::system_clock::time_point received_at{};
    std::string source_ip;
    nlohmann::json headers = nlohmann::json::object();
    std::string body;  // raw bytes as received
    bool valid = false;
    std::string reason;    // why the request was refused; empty when valid
    std::string event_id;  // empty when the body was never parsed
    std::string outcome;   // e.g. "queued", "duplicate", "invalid_signature"
};

namespace stripe_event_status {
inline constexpr std::string_view processed = "processed";
inline constexpr std::string_view ignored = "ignored";
inline constexpr std::string_view pending_customer = "pending_customer";
}  // namespace stripe_event_status

struct StripeEventRecord {
    std::string event_id;
    std::string type;
    std::int64_t created = 0;
    std::string customer_id;
    std::string status;  // stripe_event_status
    std::string result;  // what it led to, in words
    std::vector<std::int64_t> message_ids;
    std::string payload;  // the raw event, kept to deliver a pending_customer event later
};

struct SubscriptionState {
    std::int64_t last_created = 0;
    bool deleted = false;
};

class StripeWebhookLedger {
  public:
    virtual ~StripeWebhookLedger() = default;

    virtual Result<std::int64_t> record_request(const WebhookRequest& request) = 0;
    // Newest first, at most `limit`.
    virtual Result<std::vector<WebhookRequest>> requests(std::size_t limit) = 0;

    virtual Result<std::optional<StripeEventRecord>> find_event(const std::string& event_id) = 0;
    virtual Result<void> save_event(const StripeEventRecord& record) = 0;  // insert or replace
    virtual Result<std::vector<StripeEventRecord>> pending_for_customer(
        const std::string& customer_id) = 0;  // oldest `created` first

    virtual Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) = 0;
    virtual Result<void> save_subscription(const std::string& subscription_id,
                                           const SubscriptionState& state) = 0;
};

class MemoryStripeWebhookLedger final : public StripeWebhookLedger {
  public:
    Result<std::int64_t> record_request(const WebhookRequest& request) override;
    Result<std::vector<WebhookRequest>> requests(std::size_t limit) override;
    Result<std::optional<StripeEventRecord>> find_event(const std::string& event_id) override;
    Result<void> save_event(const StripeEventRecord& record) override;
    Result<std::vector<StripeEventRecord>> pending_for_customer(
        const std::string& customer_id) override;
    Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) override;
    Result<void> save_subscription(const std::string& subscription_id,
                                   const SubscriptionState& state) override;

  private:
    std::mutex mutex_;
    std::vector<WebhookRequest> requests_;
    std::map<std::string, StripeEventRecord> events_;
    std::map<std::string, SubscriptionState> subscriptions_;
};

}  // namespace txmail::service
