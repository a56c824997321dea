// Queues notifications: render the event (notify::Renderer), prepare the envelope and bytes
// (mail::prepare), and store the result durably in the outbox with the event's priority and an
// idempotency key. What is queued is exactly what will be sent.
//
// fan_out() renders one message per recipient and stores them all with enqueue_batch(), one
// transaction: either every watcher's message is queued or none is. A render error (bad data)
// stores nothing and names the field; store errors come back as they are.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "txmail/mail/message.h"
#include "txmail/notify/renderer.h"
#include "txmail/outbox/store.h"

namespace txmail::service {

// The outbox row for an already rendered message: prepared bytes and envelope, the priority
// (default: the event's in the catalogue) and the key. Shared with `txmail enqueue`.
Result<outbox::NewMessage> to_new_message(std::string_view event, const mail::Message& message,
                                          std::optional<std::string> idempotency_key = {},
                                          std::optional<int> priority = {});

struct Notification {
    std::string event;
    nlohmann::json data;  // the HTTP API's shape: {"user": {...}, ...event fields...}
    std::optional<std::string> idempotency_key;
    // What a replay under the same key must repeat (outbox::NewMessage::request_digest).
    std::optional<std::string> request_digest;
};

class Notifier {
  public:
    // Both must outlive the Notifier.
    Notifier(const notify::Renderer& renderer, outbox::Store& store)
        : renderer_(renderer), store_(store) {}

    Result<outbox::Enqueued> notify(const Notification& notification);
    // notify() without holding this thread through the commit: renders here, then `done` gets
    // the result once the row is as safe as `wait` says, on the store's thread
    // (outbox::Store::enqueue_async). The Notifier must live until `done` has been called
    // (`txmail serve` stops its HTTP server, which waits for every answer, before it destroys
    // the Notifier).
    void notify_async(const Notification& notification, outbox::Store::Wait wait,
                      outbox::Store::EnqueueDone done);
    Result<std::vector<outbox::Enqueued>> fan_out(const std::vector<Notification>& notifications);
    // Called after each commit, once for each envelope sender queued for (`txmail serve`: wakes
    // the dispatcher's idle workers at once, unless that sender must wait).
    void on_queued(std::function<void(std::string_view sender)> callback) {
        on_queued_ = std::move(callback);
    }
    // Called once per message newly stored, with its event; not for an idempotent replay
    // (`txmail serve`: txmail_notifications_accepted_total).
    void on_accepted(std::function<void(std::string_view event)> callback) {
        on_accepted_ = std::move(callback);
    }

  private:
    Result<outbox::NewMessage> prepare(const Notification& notification) const;
    void stored(const Result<outbox::Enqueued>& enqueued, std::string_view event,
                std::string_view sender) const;

    const notify::Renderer& renderer_;
    outbox::Store& store_;
    std::function<void(std::string_view)> on_queued_;
    std::function<void(std::string_view)> on_accepted_;
};

}  // namespace txmail::service
