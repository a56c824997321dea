// Turns one Stripe webhook request into at most one queued email (issue 7, item 4), as pure
// logic over the ledger, the customer lookup and the notifier; the HTTP handler only adapts.
//
// Order of work: verify the signature BEFORE parsing (a bad or missing one -> 400, only the
// audit row is stored); an event id seen before -> 200 and nothing more; map it (stripe/
// event_mapping.h); ignored types -> 200, recorded. Stripe does not promise order: per
// subscription the `created` of the last event acted on is kept, and an older
// customer.subscription.updated, or any after the subscription's deletion, sends nothing.
// An event whose customer is unknown is kept as pending_customer and delivered by
// deliver_pending_for_customer() once the customer id is linked. The outbox idempotency key is
// `stripe:<event id>`, so even a race between two deliveries queues one message.
//
// A store or render failure comes back as an error: the event is not recorded, so Stripe's
// retry processes it again.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "txmail/service/notifier.h"
#include "txmail/service/stripe_customers.h"
#include "txmail/service/stripe_webhook_ledger.h"
#include "txmail/stripe/event.h"
#include "txmail/stripe/event_mapping.h"

namespace txmail::service {

struct StripeWebhookInput {
    std::string body;  // raw, as received: the signature covers these exact bytes
    std::string signature_header;  // Stripe-Signature; empty when absent
    std::string source_ip;
    nlohmann::json headers = nlohmann::json::object();
};

struct StripeWebhookResult {
    int status = 200;     // HTTP status to answer
    std::string outcome;  // queued | duplicate | ignored | out_of_order | pending_customer |
                          // invalid_signature | invalid_payload
    std::string event_id;
    std::string reason;  // why refused or ignored
};

struct StripeWebhookOptions {
    std::vector<std::string> secrets;  // STRIPE_WEBHOOK_SECRET, parsed
    std::map<std::string, std::string> price_names;
    std::chrono::seconds tolerance{300};
    std::function<std::chrono::system_clock::time_point()> clock = [] {
        return std::chrono::system_clock::now();
    };
};

class StripeWebhookProcessor {
  public:
    // All three must outlive the processor.
    StripeWebhookProcessor(StripeWebhookLedger& ledger, StripeCustomers& customers,
                           Notifier& notifier, StripeWebhookOptions options)
        : ledger_(ledger), customers_(customers), notifier_(notifier),
          options_(std::move(options)) {}

    Result<StripeWebhookResult> receive(const StripeWebhookInput& input);
    // Delivers the events kept for this Stripe customer; returns how many were queued.
    Result<int> deliver_pending_for_customer(const std::string& customer_id);

  private:
    struct Acted {
        std::string outcome;
        StripeEventRecord record;
    };
    Result<Acted> act(const stripe::Event& event, std::string payload);
    Result<Acted> notify(const stripe::Event& event, const stripe::Notification& notification,
                         StripeEventRecord record);
    Result<std::optional<Contact>> find_customer(const stripe::CustomerRef& customer);
    Result<StripeWebhookResult> audit(const StripeWebhookInput& input, StripeWebhookResult result,
                                      bool valid);

    StripeWebhookLedger& ledger_;
    StripeCustomers& customers_;
    Notifier& notifier_;
    StripeWebhookOptions options_;
};

}  // namespace txmail::service
