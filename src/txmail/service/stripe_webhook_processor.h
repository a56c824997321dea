// A Stripe webhook request becomes a stored event and an answer; behind the answer, the stored
// event becomes at most one queued email (issue 7, item 4). Over the ledger, the contact store and
// the notifier; the HTTP handler (http/webhook_handlers.h) only adapts requests and answers.
//
// The request (receive_async): no secret configured -> 503 not_configured; verify
// Stripe-Signature BEFORE parsing (bad or missing -> 400 invalid_signature); parse (-> 400
// invalid_payload); store it as `received` with the request's audit row in one commit that waits
// for the disk, and answer 200 received; the store finds a redelivery (already stored -> 200
// duplicate; being delivered to its newly linked customer -> 409 in_progress, so Stripe
// retries), and then records the request only. Every
// request leaves one audit row, whatever the answer; a refused one leaves nothing else. That is
// all a webhook waits for: Stripe asks for a 2xx before any complex logic, and acting on the
// event (the lookups, rendering, the enqueue, a second commit) was half of a webhook's CPU
// (docs/benchmarks.md, "Stripe webhook: answered once stored").
//
// Behind the answer (act_on_received(), on `txmail serve`'s StripeEventWorker thread): each
// received event, oldest first, is mapped (stripe/event_mapping.h; other types and unusable
// payloads -> ignored), acted on, and what it led to written into the event and into its
// request's audit row (queued | ignored | out_of_order | pending_customer): GET
// /v1/webhooks/stripe/events shows it. Received events are on disk, so those not acted on when
// the process stopped are acted on when it starts again. A failure (a store, a render) leaves the
// event received, its audit row saying why, to be tried again after `retry_after`.
//
// Who: checkout goes by client_reference_id, then the customer id, then the customer email, and
// links the customer id to that user; other events by the linked customer id only (an email
// match is a guess, and billing mail must not go to a guessed account). Nobody linked ->
// pending_customer, kept, delivered by deliver_pending() once the customer is linked; a checkout
// also by deliver_pending_for() once the user it names (by id or email) is saved.
// Order: Stripe does not promise it, so per subscription the `created` of the last event acted
// on is kept (StripeWebhookLedger::advance_subscription): an older customer.subscription.updated,
// or any after the subscription's deletion, is out_of_order and sends nothing.
// Concurrency: two processes on one file may both act on an event (every step is safe to
// repeat, and the outbox idempotency key `stripe:<event id>` makes a second enqueue a no-op); the
// first to finish it writes its outcome. Nothing is sent here: the notifier only stores the
// message in the outbox.
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
    std::string outcome;  // received | duplicate | invalid_signature | invalid_payload |
                          // in_progress | not_configured
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
    // A received event that could not be acted on (a store or a render failed) is tried again
    // this much later.
    std::chrono::seconds retry_after{30};
    // Received events acted on between two looks at the ledger. Small: a batch's enqueues go
    // through the one writer the answers' commits wait on, and 64 at a time doubled the answers'
    // median under load (docs/benchmarks.md, "Stripe webhook: answered once stored").
    std::size_t batch = 8;
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
    // Does the checks on this thread and the write on the store's: `done` gets the answer once
    // it is made, from whichever thread made it (it must be quick). The processor must live
    // until then (`txmail serve` stops its HTTP server, which waits for every answer, first).
    void receive_async(const StripeWebhookInput& input, AnswerDone done);
    // receive_async(), waiting for the answer.
    Result<StripeWebhookAnswer> receive(const StripeWebhookInput& input);
    // Called after each event stored as received (`txmail serve`: wakes StripeEventWorker).
    void on_received(std::function<void()> callback) { on_received_ = std::move(callback); }

    struct Sweep {
        int acted = 0;                      // received events whose outcome was written
        std::vector<std::string> deferred;  // why others were not: each is tried again later
    };
    // Acts on the received events that are due, oldest first, `batch` at a time, and returns
    // once all are acted on or deferred, or after a batch when `go_on` says no (an error: the
    // ledger could not be read). Blocking: for one thread at a time, not a commit's callback.
    Result<Sweep> act_on_received(const std::function<bool()>& go_on = [] { return true; });
    // Acts on the events kept for this Stripe customer; returns how many messages were queued.
    Result<int> deliver_pending(const std::string& customer_id);
    // After `user` was saved: acts on the checkouts kept for this user (by id or email), which
    // links their customer to it, and on the events kept for its Stripe customer, if it has one.
    Result<int> deliver_pending_for(const Contact& user);

  private:
    struct Acted {
        std::string outcome;
        StripeEventRecord record;
        std::optional<Notification> email;  // to queue before the outcome is written
        int released = 0;  // messages queued for the events its customer's link released
    };
    struct Link {
        std::string note;  // for the record: empty, or what became of the link
        int released = 0;  // messages queued for the events that waited for the customer
    };
    struct Delivery;
    class Batch;
    // The checks before a webhook's event is stored: a refusal, or 200 received with
    // `to_store` set to the event to store.
    Result<StripeWebhookAnswer> accept(const StripeWebhookInput& input, WebhookRequest& audit,
                                       std::optional<StripeEventRecord>& to_store);
    void record_and_answer(const std::shared_ptr<Delivery>& delivery,
                           Result<StripeWebhookAnswer> answer);
    void act_on(const ReceivedEvent& received, const std::shared_ptr<Batch>& batch);
    void finish(StripeEventRecord record, std::int64_t request_id, std::string outcome,
                const std::shared_ptr<Batch>& batch);
    void defer(const ReceivedEvent& received, const Error& why,
               const std::shared_ptr<Batch>& batch);
    void recheck_pending(const StripeEventRecord& record);
    Result<Acted> act(const stripe::Event& event, StripeEventRecord record);
    Result<Acted> act_on_notification(const stripe::Event& event,
                                      const stripe::Notification& notification,
                                      StripeEventRecord record);
    Result<std::optional<Contact>> find_customer(const stripe::Event& event,
                                                 const stripe::CustomerRef& customer);
    Result<Link> link_customer(const Contact& user, const std::string& customer_id);
    // Claims, acts on and finishes each of these pending events; how many messages it queued.
    Result<int> deliver(Result<std::vector<StripeEventRecord>> pending);

    StripeWebhookLedger& ledger_;
    ContactStore& contacts_;
    Notifier& notifier_;
    StripeWebhookOptions options_;
    std::function<void()> on_received_;
};

}  // namespace txmail::service
