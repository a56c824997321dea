#include "txmail/service/notifier.h"

#include <set>

#include "txmail/mail/mime_writer.h"
#include "txmail/notify/event_catalogue.h"
#include "txmail/util/parallel_for.h"

namespace txmail::service {

Result<outbox::NewMessage> to_new_message(std::string_view event, const mail::Message& message,
                                          std::optional<std::string> idempotency_key,
                                          std::optional<int> priority) {
    auto spec = notify::lookup_event(event);
    if (!spec)
        return fail(spec.error());
    auto prepared = mail::prepare(message);
    if (!prepared)
        return fail(prepared.error());
    outbox::NewMessage queued;
    queued.event = std::string(event);
    queued.message = std::move(*prepared);
    queued.priority = priority.value_or((*spec)->default_priority);
    queued.idempotency_key = std::move(idempotency_key);
    return queued;
}

Result<outbox::NewMessage> Notifier::prepare(const Notification& notification) const {
    auto message = renderer_.render(notification.event, notification.data);
    if (!message)
        return fail(message.error());
    auto queued = to_new_message(notification.event, *message, notification.idempotency_key);
    if (queued)
        queued->request_digest = notification.request_digest;
    return queued;
}

// What follows a stored message: the dispatcher is woken, a new one is counted.
void Notifier::stored(const Result<outbox::Enqueued>& enqueued, std::string_view event,
                      std::string_view sender) const {
    if (enqueued && on_queued_)
        on_queued_(sender);
    if (enqueued && enqueued->created && on_accepted_)
        on_accepted_(event);
}

Result<outbox::Enqueued> Notifier::notify(const Notification& notification) {
    auto queued = prepare(notification);
    if (!queued)
        return fail(queued.error());
    auto enqueued = store_.enqueue(*queued);
    stored(enqueued, notification.event, queued->message.envelope.sender);
    return enqueued;
}

void Notifier::notify_async(const Notification& notification, outbox::Store::Wait wait,
                            outbox::Store::EnqueueDone done) {
    auto queued = prepare(notification);
    if (!queued)
        return done(fail(queued.error()));
    std::string sender = queued->message.envelope.sender;
    store_.enqueue_async(std::move(*queued), wait,
                         [this, event = notification.event, sender = std::move(sender),
                          done = std::move(done)](auto enqueued) {
                             stored(enqueued, event, sender);
                             done(std::move(enqueued));
                         });
}

// Rendering is most of a fan-out's time (tens of microseconds a message, see docs/benchmarks.md)
// and Renderer::render is const and thread-safe, so a large fan-out renders on every core; the
// store write stays one transaction. The first failing notification (in order) is reported.
Result<std::vector<outbox::Enqueued>> Notifier::fan_out(
    const std::vector<Notification>& notifications) {
    constexpr std::size_t min_messages_per_thread = 128;
    std::vector<Result<outbox::NewMessage>> prepared(notifications.size());
    parallel_for(notifications.size(), min_messages_per_thread,
                 [&](std::size_t begin, std::size_t end) {
                     for (std::size_t i = begin; i < end; ++i)
                         prepared[i] = prepare(notifications[i]);
                 });
    std::vector<outbox::NewMessage> batch;
    batch.reserve(prepared.size());
    for (auto& queued : prepared) {
        if (!queued)
            return fail(std::move(queued.error()));
        batch.push_back(std::move(*queued));
    }
    if (batch.empty())
        return std::vector<outbox::Enqueued>{};
    auto enqueued = store_.enqueue_batch(batch);
    if (enqueued && on_queued_) {
        std::set<std::string_view> senders;
        for (const outbox::NewMessage& queued : batch)
            senders.insert(queued.message.envelope.sender);
        for (std::string_view sender : senders)
            on_queued_(sender);
    }
    if (enqueued && on_accepted_) {
        for (std::size_t i = 0; i < enqueued->size(); ++i)
            if ((*enqueued)[i].created)
                on_accepted_(notifications[i].event);
    }
    return enqueued;
}

}  // namespace txmail::service
