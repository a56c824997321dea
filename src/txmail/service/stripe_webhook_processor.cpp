#include "txmail/service/stripe_webhook_processor.h"

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <mutex>

#include "txmail/stripe/event_envelope.h"
#include "txmail/stripe/signature.h"
#include "txmail/util/iso8601.h"
#include "txmail/util/wait_for_answer.h"

namespace txmail::service {
namespace {

constexpr std::string_view subscription_updated = "customer.subscription.updated";
constexpr std::string_view subscription_deleted = "customer.subscription.deleted";

bool is_checkout(const stripe::Event& event) {
    return event.type.starts_with("checkout.session.");
}

StripeWebhookAnswer refused(int status, std::string outcome, std::string message,
                            std::string field) {
    return {status, std::move(outcome), {}, std::move(message), std::move(field)};
}

std::string out_of_order_reason(const std::optional<SubscriptionState>& state) {
    if (state && state->deleted)
        return "out of order: the subscription was already deleted";
    return "out of order: an event created at " + std::to_string(state ? state->last_created : 0) +
           " was already acted on";
}

// A pending_customer event's result: who would let it go out.
std::string waiting_for(const StripeEventRecord& record) {
    std::vector<std::string> who;
    if (!record.for_user_id.empty())
        who.push_back("user \"" + record.for_user_id + "\"");
    if (!record.for_email.empty())
        who.push_back("a user with email " + record.for_email);
    if (!record.customer_id.empty())
        who.push_back("a user linked to Stripe customer " + record.customer_id);
    std::string text = "waiting for ";
    for (std::size_t i = 0; i < who.size(); ++i)
        text += (i == 0 ? "" : ", or ") + who[i];
    return text;
}

}  // namespace

Result<StripeWebhookOptions> stripe_webhook_options(const config::Settings& settings) {
    StripeWebhookOptions options;
    options.secrets = stripe::parse_secrets(settings.get_or("STRIPE_WEBHOOK_SECRET", ""));
    auto names = stripe::parse_price_names(settings.get_or("STRIPE_PRICE_NAMES", ""));
    if (!names)
        return fail(names.error());
    options.price_names = std::move(*names);
    return options;
}

Result<StripeWebhookAnswer> StripeWebhookProcessor::receive(const StripeWebhookInput& input) {
    return wait_for_answer<Result<StripeWebhookAnswer>>(
        [&](AnswerDone done) { receive_async(input, std::move(done)); });
}

// One request on its way through its write, whose callback it outlives.
struct StripeWebhookProcessor::Delivery {
    WebhookRequest audit;
    StripeWebhookAnswer answer;
    AnswerDone done;
};

// The write is handed to the shared writer and the answer comes from its callback, so a handler
// thread is free for the next request instead of waiting through the commit.
void StripeWebhookProcessor::receive_async(const StripeWebhookInput& input, AnswerDone done) {
    auto delivery = std::make_shared<Delivery>();
    WebhookRequest& audit = delivery->audit;
    audit.received_at = options_.clock();
    audit.source_ip = input.source_ip;
    audit.headers = input.headers;
    audit.body = input.body;
    delivery->done = std::move(done);
    const auto stale_before = audit.received_at - options_.claim_timeout;
    std::optional<StripeEventRecord> to_store;
    auto answer = accept(input, audit, to_store);
    if (!answer || !to_store)
        return record_and_answer(delivery, std::move(answer));
    delivery->answer = std::move(*answer);
    ledger_.store_event_and_record_async(
        std::move(*to_store), delivery->audit, stale_before,
        [this, delivery](Result<RecordedRequest> written) {
            if (!written)  // nothing stored: Stripe's retry brings it again
                return record_and_answer(delivery, fail(written.error()));
            const std::string& event_id = delivery->answer.event_id;
            if (written->in_progress) {
                StripeWebhookAnswer busy =
                    refused(409, "in_progress", in_progress_reason(event_id), "");
                busy.event_id = event_id;
                return delivery->done(std::move(busy));
            }
            if (!written->event_stored)  // stored before: a redelivery
                return delivery->done(StripeWebhookAnswer{200, "duplicate", event_id});
            if (on_received_)
                on_received_();
            delivery->done(std::move(delivery->answer));
        });
}

// Every request whose event was not stored leaves its audit row here. An audit that cannot be
// written fails the request: Stripe retries, and the retry is recorded (as a duplicate if the
// event itself was stored).
void StripeWebhookProcessor::record_and_answer(const std::shared_ptr<Delivery>& delivery,
                                               Result<StripeWebhookAnswer> answer) {
    if (!answer) {
        delivery->audit.outcome = "error";
        delivery->audit.reason = answer.error().describe();
    }
    ledger_.record_request_async(
        delivery->audit, [delivery, answer = std::move(answer)](Result<std::int64_t> recorded) {
            if (!recorded && answer)
                return delivery->done(fail(recorded.error()));
            delivery->done(answer);
        });
}

Result<StripeWebhookAnswer> StripeWebhookProcessor::accept(
    const StripeWebhookInput& input, WebhookRequest& audit,
    std::optional<StripeEventRecord>& to_store) {
    const auto refuse = [&](StripeWebhookAnswer answer) {
        audit.outcome = answer.outcome;
        audit.reason = answer.message;
        return answer;
    };
    if (options_.secrets.empty())
        return refuse(refused(503, "not_configured",
                              "STRIPE_WEBHOOK_SECRET is not set: txmail cannot verify Stripe's "
                              "signature, so it accepts no webhook",
                              "STRIPE_WEBHOOK_SECRET"));
    if (auto verified =
            stripe::verify_signature(input.body, input.signature_header, options_.secrets,
                                     audit.received_at, options_.tolerance);
        !verified)
        return refuse(
            refused(400, "invalid_signature", verified.error().message, "Stripe-Signature"));
    // The answer needs the envelope only: the event is parsed whole when it is acted on.
    auto event = stripe::parse_event_envelope(input.body);
    if (!event)
        return refuse(refused(400, "invalid_payload", event.error().message, "body"));

    audit.valid = true;
    audit.event_id = event->id;
    audit.event_type = event->type;
    // Whether it was stored before (a redelivery) is found by the store itself, in the writer's
    // transaction: a lookup here first read the ledger on the handler thread, through the
    // reader connection the Stripe worker holds while it reads a batch of bodies, for an answer
    // the store gives anyway.
    audit.outcome = stripe_event_status::received;
    to_store = StripeEventRecord{event->id, event->type, event->created};
    to_store->status = stripe_event_status::received;
    return StripeWebhookAnswer{200, std::string(stripe_event_status::received), event->id};
}

// The events of one look at the ledger, acted on with their enqueues and finishes in flight
// together (one at a time, each would wait for its commit): act_on_received() waits for the
// last before it looks again, or it would find the same events still received.
class StripeWebhookProcessor::Batch {
  public:
    explicit Batch(std::size_t size) : left_(size) {}

    // `acted`: what was written is an outcome, not a deferral.
    void finished(const std::string& event_id, const Result<bool>& written, bool acted) {
        std::lock_guard lock(mutex_);
        if (!written)
            sweep_.deferred.push_back("event " + event_id + ": its outcome was not written: " +
                                      written.error().describe());
        else if (*written && acted)
            ++sweep_.acted;
        if (--left_ == 0)
            all_done_.notify_all();
    }
    void deferring(std::string why) {
        std::lock_guard lock(mutex_);
        sweep_.deferred.push_back(std::move(why));
    }
    Sweep wait() {
        std::unique_lock lock(mutex_);
        all_done_.wait(lock, [this] { return left_ == 0; });
        return std::move(sweep_);
    }

  private:
    std::mutex mutex_;
    std::condition_variable all_done_;
    std::size_t left_;
    Sweep sweep_;
};

Result<StripeWebhookProcessor::Sweep> StripeWebhookProcessor::act_on_received(
    const std::function<bool()>& go_on) {
    Sweep total;
    for (;;) {
        auto due = ledger_.received_events(options_.clock(), options_.batch);
        if (!due)
            return fail(due.error());
        if (due->empty())
            return total;
        auto batch = std::make_shared<Batch>(due->size());
        for (const ReceivedEvent& received : *due)
            act_on(received, batch);
        Sweep done = batch->wait();
        total.acted += done.acted;
        std::ranges::move(done.deferred, std::back_inserter(total.deferred));
        // Nothing acted on: what is left failed to be written; the worker looks again later
        // rather than spin on it.
        if (done.acted == 0 || !go_on())
            return total;
    }
}

// The event was parsed when it was received; it is parsed again here rather than kept in memory
// from the request, so that a burst of webhooks waits on disk, not in RAM.
void StripeWebhookProcessor::act_on(const ReceivedEvent& received,
                                    const std::shared_ptr<Batch>& batch) {
    auto event = stripe::parse_event(received.body);
    Result<Acted> acted =
        event ? act(*event, {event->id, event->type, event->created}) : fail(event.error());
    if (!acted)
        return defer(received, acted.error(), batch);
    // Only an event waiting for its customer needs its payload again.
    if (acted->record.status == stripe_event_status::pending_customer)
        acted->record.payload = received.body;
    if (!acted->email) {
        // Here, not from a commit's callback: looking again reads and writes.
        auto written = ledger_.finish_received(acted->record, received.request_id, acted->outcome);
        if (written && *written)
            recheck_pending(acted->record);
        return batch->finished(received.event_id, written, true);
    }
    auto shared = std::make_shared<Acted>(std::move(*acted));
    notifier_.notify_async(*shared->email, outbox::Store::Wait::committed,
                           [this, shared, received, batch](Result<outbox::Enqueued> queued) {
                               if (!queued)
                                   return defer(received, queued.error(), batch);
                               shared->record.message_ids = {queued->id};
                               finish(std::move(shared->record), received.request_id,
                                      std::move(shared->outcome), batch);
                           });
}

void StripeWebhookProcessor::finish(StripeEventRecord record, std::int64_t request_id,
                                    std::string outcome, const std::shared_ptr<Batch>& batch) {
    const std::string event_id = record.event_id;
    const bool acted = outcome != stripe_event_status::received;  // else a deferral
    ledger_.finish_received_async(std::move(record), request_id, std::move(outcome),
                                  [batch, event_id, acted](Result<bool> written) {
                                      batch->finished(event_id, written, acted);
                                  });
}

// The event stays received, with the time to try again and why, in the ledger and the audit.
void StripeWebhookProcessor::defer(const ReceivedEvent& received, const Error& why,
                                   const std::shared_ptr<Batch>& batch) {
    StripeEventRecord record{received.event_id};
    record.status = stripe_event_status::received;
    record.claimed_at = options_.clock() + options_.retry_after;
    record.result = "not acted on yet: " + why.describe() + "; tried again at " +
                    format_iso8601_utc(record.claimed_at);
    batch->deferring("event " + received.event_id + ": " + record.result);
    finish(std::move(record), received.request_id, std::string(stripe_event_status::received),
           batch);
}

// The customer may have been linked between act()'s lookup and the finish, when the linker's
// deliver_pending() could not see this event as pending yet: look once more.
void StripeWebhookProcessor::recheck_pending(const StripeEventRecord& record) {
    if (record.status != stripe_event_status::pending_customer)
        return;
    auto linked = contacts_.by_stripe_customer(record.customer_id);
    if (linked && *linked)
        (void)deliver_pending(record.customer_id);
}

Result<StripeWebhookProcessor::Acted> StripeWebhookProcessor::act(const stripe::Event& event,
                                                                  StripeEventRecord record) {
    auto mapping = stripe::map_event(event, options_.price_names);
    if (!mapping) {
        // A payload we cannot use will not improve: a non-2xx would only make Stripe retry it
        // for days. It is recorded, with why, in the ledger and the audit.
        record.status = stripe_event_status::ignored;
        record.result = "unusable: " + mapping.error().describe();
        return Acted{"ignored", std::move(record)};
    }
    if (const auto* ignored = std::get_if<stripe::Ignored>(&*mapping)) {
        record.status = stripe_event_status::ignored;
        record.result = ignored->reason;
        return Acted{"ignored", std::move(record)};
    }
    return act_on_notification(event, std::get<stripe::Notification>(*mapping), std::move(record));
}

Result<StripeWebhookProcessor::Acted> StripeWebhookProcessor::act_on_notification(
    const stripe::Event& event, const stripe::Notification& notification,
    StripeEventRecord record) {
    const stripe::CustomerRef& customer = notification.customer;
    record.customer_id = customer.customer_id;
    record.for_user_id.clear();
    record.for_email.clear();
    auto contact = find_customer(event, customer);
    if (!contact)
        return fail(contact.error());
    if (!*contact) {
        // A checkout names its user itself: the app may save that user after Stripe's webhook
        // (a contact not synced yet), and saving it delivers the receipt. Other events name the
        // customer only, and wait for its link.
        if (is_checkout(event)) {
            record.for_user_id = customer.user_id;
            record.for_email = customer.email;
        }
        if (customer.customer_id.empty() && record.for_user_id.empty() &&
            record.for_email.empty()) {  // nothing could ever link it
            record.status = stripe_event_status::ignored;
            record.result =
                "the event names no Stripe customer, and only a checkout may name "
                "its user by id or email";
            return Acted{"ignored", std::move(record)};
        }
        record.status = stripe_event_status::pending_customer;
        record.result = waiting_for(record);
        return Acted{"pending_customer", std::move(record)};
    }
    const Contact& user = **contact;

    if ((event.type == subscription_updated || event.type == subscription_deleted) &&
        !notification.subscription_id.empty()) {
        auto admitted = ledger_.advance_subscription(notification.subscription_id, event.created,
                                                     event.type == subscription_deleted);
        if (!admitted)
            return fail(admitted.error());
        if (!*admitted) {
            auto state = ledger_.subscription(notification.subscription_id);
            if (!state)
                return fail(state.error());
            record.status = stripe_event_status::ignored;
            record.result = out_of_order_reason(*state);
            return Acted{"out_of_order", std::move(record)};
        }
    }

    Link link;
    if (is_checkout(event) && !customer.customer_id.empty()) {
        auto linked = link_customer(user, customer.customer_id);
        if (!linked)
            return fail(linked.error());
        link = std::move(*linked);
    }

    nlohmann::json data = notification.data;
    data["user"] = {{"id", user.id}, {"email", user.email}, {"name", user.name}};
    record.status = stripe_event_status::processed;
    record.result = notification.event + " queued for user " + user.id + link.note;
    return Acted{"queued", std::move(record),
                 Notification{notification.event, std::move(data), "stripe:" + event.id},
                 link.released};
}

Result<std::optional<Contact>> StripeWebhookProcessor::find_customer(
    const stripe::Event& event, const stripe::CustomerRef& customer) {
    if (is_checkout(event) && !customer.user_id.empty()) {
        auto found = contacts_.get(customer.user_id);
        if (!found || *found)
            return found;
    }
    if (!customer.customer_id.empty()) {
        auto found = contacts_.by_stripe_customer(customer.customer_id);
        if (!found || *found || !is_checkout(event))
            return found;
    }
    if (is_checkout(event) && !customer.email.empty())
        return contacts_.by_email(customer.email);
    return std::optional<Contact>{};
}

// A customer already linked to another user is that user's business, not a reason to withhold
// this one's receipt: the note says why the link was not made.
Result<StripeWebhookProcessor::Link> StripeWebhookProcessor::link_customer(
    const Contact& user, const std::string& customer_id) {
    if (user.stripe_customer_id == customer_id)
        return Link{};
    auto linked = contacts_.link_stripe_customer(user.id, customer_id);
    if (!linked && linked.error().field == "stripe_customer_id")
        return Link{"; not linked: " + linked.error().message};
    if (!linked)
        return fail(linked.error());
    auto delivered = deliver_pending(customer_id);
    if (!delivered)
        return fail(delivered.error());
    return Link{"; linked to Stripe customer " + customer_id, *delivered};
}

Result<int> StripeWebhookProcessor::deliver_pending(const std::string& customer_id) {
    return deliver(ledger_.pending_for_customer(customer_id));
}

Result<int> StripeWebhookProcessor::deliver_pending_for(const Contact& user) {
    auto queued = deliver(ledger_.pending_for_user(user.id, user.email));
    if (!queued || !user.stripe_customer_id)
        return queued;
    auto linked = deliver_pending(*user.stripe_customer_id);
    if (!linked)
        return fail(linked.error());
    return *queued + *linked;
}

Result<int> StripeWebhookProcessor::deliver(Result<std::vector<StripeEventRecord>> pending) {
    if (!pending)
        return fail(pending.error());
    int queued = 0;
    for (StripeEventRecord& kept : *pending) {
        auto claimed = ledger_.claim_pending(kept.event_id, options_.clock());
        if (!claimed)
            return fail(claimed.error());
        if (!*claimed)
            continue;                                    // another delivery took it
        auto event = stripe::parse_event(kept.payload);  // parsed once already
        Result<Acted> acted = event ? act(*event, kept) : fail(event.error());
        // Durable before the event is finished: no later write covers it here.
        if (acted && acted->email) {
            if (auto queued = notifier_.notify(*acted->email); queued)
                acted->record.message_ids = {queued->id};
            else
                acted = fail(queued.error());
        }
        if (!acted) {
            // Back to pending_customer for the next save or link.
            (void)ledger_.finish_event(kept, stripe_event_status::pending_customer);
            return fail(acted.error());
        }
        if (auto finished = ledger_.finish_event(acted->record, acted->outcome); !finished)
            return fail(finished.error());
        queued += (acted->outcome == "queued" ? 1 : 0) + acted->released;
    }
    return queued;
}

}  // namespace txmail::service
