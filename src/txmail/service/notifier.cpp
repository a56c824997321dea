#include "txmail/service/notifier.h"

#include "txmail/mail/mime_writer.h"
#include "txmail/notify/event_catalogue.h"

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
    return to_new_message(notification.event, *message, notification.idempotency_key);
}

Result<outbox::Enqueued> Notifier::notify(const Notification& notification) {
    auto queued = prepare(notification);
    if (!queued)
        return fail(queued.error());
    auto enqueued = store_.enqueue(*queued);
    if (enqueued && on_queued_)
        on_queued_();
    return enqueued;
}

Result<std::vector<outbox::Enqueued>> Notifier::fan_out(
    const std::vector<Notification>& notifications) {
    std::vector<outbox::NewMessage> batch;
    batch.reserve(notifications.size());
    for (const Notification& notification : notifications) {
        auto queued = prepare(notification);
        if (!queued)
            return fail(queued.error());
        batch.push_back(std::move(*queued));
    }
    if (batch.empty())
        return std::vector<outbox::Enqueued>{};
    auto enqueued = store_.enqueue_batch(batch);
    if (enqueued && on_queued_)
        on_queued_();
    return enqueued;
}

}  // namespace txmail::service
