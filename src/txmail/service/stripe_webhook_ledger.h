// The Stripe webhook ledger: what txmail remembers about webhook requests and Stripe events, so
// that each event is acted on once and a missing email can be traced to the request that should
// have caused it (issue 7, item 4).
//
//   requests       every POST /webhooks/stripe, valid or not: time, source IP, headers (secrets
//                  already redacted by the caller), raw body, why it was refused, and what it led
//                  to. Listed newest first (GET /v1/webhooks/stripe/events).
//   events         each Stripe event id once (Stripe delivers an event more than once, sometimes
//                  concurrently): store_event_and_record() is the one atomic "first to store it"
//                  test. A webhook stores its event as `received`, what Stripe's 200 stands on;
//                  finish_received() later writes what acting on it led to (processed | ignored |
//                  pending_customer) into the event and into the request that brought it. A
//                  pending_customer event keeps its raw payload, so it can be delivered once its
//                  customer is linked; claim_pending() marks it `processing` while that delivery
//                  runs.
//   subscriptions  per subscription, the `created` of the last event acted on and whether it was
//                  deleted (Stripe does not promise order); advance_subscription() tests and
//                  moves it in one step, so two concurrent events cannot both pass.
//
// A claim whose holder died (crash between claim_pending and finish_event) would turn Stripe's
// retry into a "duplicate" forever: a claim older than `stale_before` is taken over instead.
// Implementations: sqlite (the outbox's file, migration 3), memory (tests, memory://).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "txmail/util/error.h"

namespace txmail::service {

using WebhookClock = std::chrono::system_clock;

struct WebhookRequest {
    std::int64_t id = 0;  // assigned by record_request, increasing
    WebhookClock::time_point received_at{};
    std::string source_ip;
    nlohmann::json headers = nlohmann::json::object();  // name -> value
    std::string body;                                   // raw bytes as received
    bool valid = false;                                 // the signature and payload were accepted
    std::string reason;    // why refused, ignored or held; empty when it simply queued
    std::string event_id;  // empty when the body was never parsed
    std::string event_type;
    // received (stored, not acted on yet), then what acting on it led to: queued | ignored |
    // out_of_order | pending_customer; or, at once: duplicate | invalid_signature |
    // invalid_payload | in_progress | not_configured | error
    std::string outcome;
    std::vector<std::int64_t> message_ids;  // outbox messages it led to
};

struct WebhookRequestFilter {
    std::optional<std::int64_t> before_id;  // cursor: ids lower than this
    std::optional<std::string> event_id;
    std::size_t limit = 50;
};

namespace stripe_event_status {
inline constexpr std::string_view received = "received";
inline constexpr std::string_view processing = "processing";
inline constexpr std::string_view processed = "processed";
inline constexpr std::string_view ignored = "ignored";
inline constexpr std::string_view pending_customer = "pending_customer";
}  // namespace stripe_event_status

struct StripeEventRecord {
    std::string event_id;
    std::string type;
    std::int64_t created = 0;  // the event's, unix seconds
    std::string customer_id;
    std::string status;  // stripe_event_status
    std::string result;  // what it led to, in words
    std::vector<std::int64_t> message_ids;
    std::string payload;  // the raw event, kept while it waits for its customer
    // processing: when claim_pending() took it; received: not to be acted on before (a retry
    // after a failure); epoch otherwise.
    WebhookClock::time_point claimed_at{};
    // A pending_customer checkout also waits for the user it names (client_reference_id, the
    // customer's email): saving that user delivers it (pending_for_user). Empty otherwise.
    std::string for_user_id;
    std::string for_email;
};

// An event stored as received and not acted on yet, with the request that brought it (whose
// audit row keeps the raw body: the event row does not store it twice).
struct ReceivedEvent {
    std::string event_id;
    std::int64_t request_id = 0;
    std::string body;
};

struct RecordedRequest {
    std::int64_t id = 0;        // the request's, as record_request() returns it
    bool event_stored = false;  // false: the event was stored before (mark_redelivery)
    bool in_progress = false;   // not stored, and a live claim holds it: 409, Stripe retries
};

// Marks an audit row as a redelivery of the stored event `first`, with why and what it led to:
// in_progress while a live claim holds it (it is being delivered to its newly linked customer;
// a 200 would end Stripe's retries, and the email would be lost if that delivery never
// finished), else duplicate. Returns whether it is in progress.
bool mark_redelivery(WebhookRequest& request, const StripeEventRecord& first);
// What a delivery of `event_id` is told while a claim holds the event.
std::string in_progress_reason(const std::string& event_id);
// A stored event that a new delivery may take over: claimed, and its holder gone quiet since
// before `stale_before` (it died between claim_pending and finish_event).
bool is_stale_claim(const StripeEventRecord& stored, WebhookClock::time_point stale_before);

struct SubscriptionState {
    std::int64_t last_created = 0;
    bool deleted = false;

    // May an event created at `created` be acted on? A deletion always may (it ends the
    // subscription whatever came before); an update not after the deletion nor before the last
    // event acted on. Equal times pass, so Stripe's retry of a failed event is not refused.
    bool admits(std::int64_t created, bool deletes) const {
        return deletes || (!deleted && created >= last_created);
    }
};

class StripeWebhookLedger {
  public:
    virtual ~StripeWebhookLedger() = default;

    virtual Result<std::int64_t> record_request(const WebhookRequest& request) = 0;
    virtual Result<std::vector<WebhookRequest>> requests(const WebhookRequestFilter& filter) = 0;

    // A webhook's one write: stores the event (as received) and records the request, in one
    // transaction, so neither is written without the other. It returns once that is on disk:
    // it is what a 200 to Stripe stands on. The event is
    // stored when its id is new, or held by a claim from before `stale_before` (taken over);
    // otherwise it was stored before, and the request is recorded as a redelivery of it
    // (mark_redelivery) with event_stored false.
    virtual Result<RecordedRequest> store_event_and_record(
        const StripeEventRecord& record, const WebhookRequest& request,
        WebhookClock::time_point stale_before) = 0;
    // The writes that end a webhook request, without holding the calling thread through
    // the commit (`txmail serve` answers Stripe from the callback): `done` gets what the
    // blocking call would return, on whichever thread finished the write (SQLite: the group
    // commit's, so `done` must be quick and must not make a blocking write on the file), or on
    // this one before it returns. By default, the blocking call then `done`.
    using StoreDone = std::function<void(Result<RecordedRequest>)>;
    virtual void store_event_and_record_async(StripeEventRecord record, WebhookRequest request,
                                              WebhookClock::time_point stale_before,
                                              StoreDone done) {
        done(store_event_and_record(record, request, stale_before));
    }
    using RecordDone = std::function<void(Result<std::int64_t>)>;
    virtual void record_request_async(WebhookRequest request, RecordDone done) {
        done(record_request(request));
    }
    // Received events due by `now` (claimed_at), oldest first, at most `limit`.
    virtual Result<std::vector<ReceivedEvent>> received_events(WebhookClock::time_point now,
                                                               std::size_t limit) = 0;
    // How many events are received and not acted on yet, due or not.
    virtual Result<std::int64_t> count_received() = 0;
    // What acting on a received event led to, in one transaction: the event's status, result,
    // customer id, message ids, payload and claimed_at from `record`, and in the request
    // `request_id` the outcome `request_outcome` with the result as its reason and the same
    // message ids. false, writing nothing, when the event is no longer received (another
    // process acted on it). `record.status` may stay received, with claimed_at as the time to
    // try again, after a failure. Waits for the commit only: the received event was durable,
    // and a finish lost in a power cut leaves it received, to be acted on again (the outbox's
    // key stripe:<event id> keeps that to one email).
    virtual Result<bool> finish_received(const StripeEventRecord& record, std::int64_t request_id,
                                         std::string_view request_outcome) = 0;
    // finish_received() without holding this thread through the commit: as
    // store_event_and_record_async().
    using FinishDone = std::function<void(Result<bool>)>;
    virtual void finish_received_async(StripeEventRecord record, std::int64_t request_id,
                                       std::string request_outcome, FinishDone done) {
        done(finish_received(record, request_id, request_outcome));
    }
    // pending_customer -> processing; false when the event is no longer pending.
    virtual Result<bool> claim_pending(const std::string& event_id,
                                       WebhookClock::time_point now) = 0;
    // Writes a claimed event's outcome: status, result, customer id, message ids and the user it
    // waits for; and into the audit rows of the event that still say pending_customer (the
    // request that brought it), `request_outcome` with the result as its reason and the same
    // message ids, so that the audit says what the request led to in the end.
    virtual Result<void> finish_event(const StripeEventRecord& record,
                                      std::string_view request_outcome) = 0;
    virtual Result<std::optional<StripeEventRecord>> find_event(const std::string& event_id) = 0;
    // pending_customer events for the customer, oldest `created` first.
    virtual Result<std::vector<StripeEventRecord>> pending_for_customer(
        const std::string& customer_id) = 0;
    // pending_customer events waiting for the user with this id, or with this email (ASCII case
    // aside, as ContactStore::by_email matches), oldest `created` first.
    virtual Result<std::vector<StripeEventRecord>> pending_for_user(const std::string& user_id,
                                                                    const std::string& email) = 0;

    // If state.admits(created, deletes): records the event as the last acted on (and the
    // deletion) and returns true; otherwise changes nothing and returns false.
    virtual Result<bool> advance_subscription(const std::string& subscription_id,
                                              std::int64_t created, bool deletes) = 0;
    virtual Result<std::optional<SubscriptionState>> subscription(
        const std::string& subscription_id) = 0;

    // Retention: deletes the audit rows of the requests received before `received_before`,
    // headers and raw body with them, oldest first, and says how many; as the outbox's
    // purge_finished(), the walk ends at the first request received since. A request whose
    // event is still `received` stays: its body is what the event will be acted on from. The
    // events themselves stay (a few dozen bytes each once acted on), so a redelivery of a
    // purged request's event is still a duplicate. Ends early once `stop` is requested, as
    // outbox::Store::purge_finished().
    virtual Result<std::int64_t> purge_requests(WebhookClock::time_point received_before,
                                                std::stop_token stop) = 0;
};

// The ledger beside the outbox named by TXMAIL_DATABASE_URL: sqlite -> that file (migrated by
// outbox::open_store), memory:// -> in memory; PostgreSQL is not supported yet (a config error
// naming TXMAIL_DATABASE_URL).
Result<std::unique_ptr<StripeWebhookLedger>> open_stripe_webhook_ledger(
    const std::string& database_url);

}  // namespace txmail::service
