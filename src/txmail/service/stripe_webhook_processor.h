// Turns one Stripe webhook request into at most one queued email (issue 7, item 4), over the
// ledger, the contact store and the notifier; the HTTP handler (http/webhook_handlers.h) only
// adapts requests and answers.
//
// Order of work: no secret configured -> 503 not_configured; verify Stripe-Signature BEFORE
// parsing (bad or missing -> 400 invalid_signature); parse (-> 400 invalid_payload); look the
// event id up (already stored -> 200 duplicate; being delivered to its newly linked customer ->
// 409 in_progress, so Stripe retries); map it (stripe/event_mapping.h; other types and unusable
// payloads -> 200 ignored, recorded). Every request leaves one audit row, whatever the answer; a
// refused one leaves nothing else. An event acted on is stored, with its outcome, in one commit
// with its audit row (StripeWebhookLedger::store_event_and_record): a webhook that queues an
// email makes two writes, the enqueue (waiting for its commit) and then the store (waiting for
// the disk, which covers both). receive_async() hands both to the shared writer and answers from
// its callbacks, so no thread waits through them (docs/benchmarks.md has the figures). A claim
// written before acting, as there was until 2026-11-25, made three writes.
//
// Who: checkout goes by client_reference_id, then the customer id, then the customer email, and
// links the customer id to that user; other events by the linked customer id only (an email
// match is a guess, and billing mail must not go to a guessed account). Nobody linked -> 200
// pending_customer, kept, delivered by deliver_pending() once the customer is linked.
// Order: Stripe does not promise it, so per subscription the `created` of the last event acted
// on is kept (StripeWebhookLedger::advance_subscription): an older customer.subscription.updated,
// or any after the subscription's deletion, is 200 out_of_order and sends nothing.
// Concurrency: deliveries of one event may both act on it (every step is safe to repeat, and the
// outbox idempotency key `stripe:<event id>` makes a second enqueue a no-op); the first to store
// the event answers with its outcome, the others with `duplicate`.
// Nothing is sent here: the notifier only stores the message in the outbox.
//
// A store or render failure comes back as an error (the handler answers 503): the event is not
// stored, so Stripe's retry processes it again.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "txmail/config/settings.h"
#include "txmail/service/contact_store.h"
#include "txmail/service/notifier.h"
#include "txmail/service/stripe_webhook_ledger.h"
#include "txmail/stripe/event.h"
#include "txmail/stripe/event_mapping.h"

namespace txmail::service {

struct StripeWebhookInput {
    std::string body;              // raw, as received: the signature covers these exact bytes
    std::string signature_header;  // Stripe-Signature; empty when absent
    std::string source_ip;
    nlohmann::json headers = nlohmann::json::object();  // already redacted, for the audit
};

struct StripeWebhookAnswer {
    int status = 200;     // 200, 400, 409 or 503
    std::string outcome;  // queued | duplicate | ignored | out_of_order | pending_customer |
                          // invalid_signature | invalid_payload | in_progress | not_configured
    std::string event_id;
    std::string message;  // why, for a refusal
    std::string field;    // what was wrong, for a refusal: Stripe-Signature, body, the setting
};

struct StripeWebhookOptions {
    std::vector<std::string> secrets;  // STRIPE_WEBHOOK_SECRET, parsed; empty: not configured
    std::map<std::string, std::string> price_names;  // STRIPE_PRICE_NAMES
    std::chrono::seconds tolerance{300};
    // A claim_pending this old was left by a process that died; Stripe's next retry takes it
    // over.
    std::chrono::seconds claim_timeout{300};
    std::function<WebhookClock::time_point()> clock = [] { return WebhookClock::now(); };
};

// STRIPE_WEBHOOK_SECRET and STRIPE_PRICE_NAMES; the error names the bad setting.
Result<StripeWebhookOptions> stripe_webhook_options(const config::Settings& settings);

class StripeWebhookProcessor {
  public:
    // The three services must outlive the processor.
    StripeWebhookProcessor(StripeWebhookLedger& ledger, ContactStore& contacts, Notifier& notifier,
                           StripeWebhookOptions options)
        : ledger_(ledger), contacts_(contacts), notifier_(notifier), options_(std::move(options)) {}

    using AnswerDone = std::function<void(Result<StripeWebhookAnswer>)>;
    // Does the work on this thread and the writes on the store's: `done` gets the answer once
    // they are made, from whichever thread made the last (it must be quick). The processor must
    // live until then (`txmail serve` stops its HTTP server, which waits for every answer,
    // first).
    void receive_async(const StripeWebhookInput& input, AnswerDone done);
    // receive_async(), waiting for the answer.
    Result<StripeWebhookAnswer> receive(const StripeWebhookInput& input);
    // Acts on the events kept for this Stripe customer; returns how many messages were queued.
    Result<int> deliver_pending(const std::string& customer_id);

  private:
    struct Acted {
        std::string outcome;
        StripeEventRecord record;
        std::optional<Notification> email;  // to queue before the record is stored
    };
    struct Delivery;
    // `acted_on`: the event with its outcome and email, when it was acted on, for
    // receive_async() to queue and store.
    Result<StripeWebhookAnswer> process(const StripeWebhookInput& input, WebhookRequest& audit,
                                        WebhookClock::time_point stale_before,
                                        std::optional<Acted>& acted_on);
    void store(const std::shared_ptr<Delivery>& delivery);
    void store_pending(const std::shared_ptr<Delivery>& delivery);
    // The answer to a stored event: its outcome, or `duplicate` when a concurrent delivery
    // stored it first; nothing stored -> the error, recorded.
    void answer_stored(const std::shared_ptr<Delivery>& delivery, Result<RecordedRequest> written);
    void record_and_answer(const std::shared_ptr<Delivery>& delivery,
                           Result<StripeWebhookAnswer> answer);
    void recheck_pending(const StripeEventRecord& record);
    Result<Acted> act(const stripe::Event& event, StripeEventRecord record);
    Result<Acted> act_on(const stripe::Event& event, const stripe::Notification& notification,
                         StripeEventRecord record);
    Result<std::optional<Contact>> find_customer(const stripe::Event& event,
                                                 const stripe::CustomerRef& customer);
    Result<std::string> link_customer(const Contact& user, const std::string& customer_id);

    StripeWebhookLedger& ledger_;
    ContactStore& contacts_;
    Notifier& notifier_;
    StripeWebhookOptions options_;
};

}  // namespace txmail::service
