#include "txmail/outbox/lifecycle.h"

#include "txmail/util/iso8601.h"

namespace txmail::outbox {

std::int64_t to_unix_ms(TimePoint time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

TimePoint from_unix_ms(std::int64_t milliseconds) {
    return TimePoint{std::chrono::milliseconds{milliseconds}};
}

TimePoint truncate_to_ms(TimePoint time) {
    return from_unix_ms(to_unix_ms(time));
}

Result<void> validate(const NewMessage& message) {
    if (message.event.empty())
        return fail(Error::invalid("event", "the event name is empty"));
    if (message.message.envelope.sender.empty())
        return fail(Error::invalid("message.envelope.sender", "the envelope sender is empty"));
    if (message.message.envelope.recipients.empty())
        return fail(Error::invalid("message.envelope.recipients", "the message has no recipient"));
    if (message.message.bytes.empty())
        return fail(Error::invalid("message.bytes", "the rendered message is empty"));
    if (const auto& key = message.idempotency_key) {
        if (key->empty())
            return fail(Error::invalid("idempotency_key", "the idempotency key is empty"));
        if (key->size() > max_idempotency_key_length)
            return fail(Error::invalid("idempotency_key",
                                       "the idempotency key is " + std::to_string(key->size()) +
                                           " characters long; at most " +
                                           std::to_string(max_idempotency_key_length) +
                                           " are allowed"));
    }
    return {};
}

namespace {
constexpr int key_reused_status = 422;
}  // namespace

Result<void> check_same_request(const std::optional<std::string>& request_digest,
                                const KeyedMessage& stored) {
    if (!request_digest || !stored.request_digest || *request_digest == *stored.request_digest)
        return {};
    Error error = Error::invalid(
        "idempotency_key", "the idempotency key was used before for a different request (message " +
                               std::to_string(stored.id) +
                               "); nothing was queued: a new request needs a new key");
    error.code = key_reused_status;
    return fail(std::move(error));
}

bool is_key_reused(const Error& error) {
    return error.code == key_reused_status && error.field == "idempotency_key";
}

bool is_due(Status status, TimePoint next_attempt_at, std::optional<TimePoint> lease_until,
            TimePoint now) {
    switch (status) {
        case Status::queued:
        case Status::retry:
            return next_attempt_at <= now;
        case Status::sending:
            return lease_until && *lease_until < now;
        default:
            return false;
    }
}

std::string lease_expired_note(const std::string& owner, TimePoint lease_until) {
    return "lease expired: worker " + owner + " held it until " + format_iso8601_utc(lease_until) +
           " without recording an attempt";
}

Error message_not_found(MessageId id) {
    return Error::invalid("id", "no outbox message has id " + std::to_string(id));
}

Error lease_not_held(MessageId id, const std::string& worker, Status status,
                     const std::string& owner) {
    std::string message = "message " + std::to_string(id) + " is not leased by worker " + worker +
                          " (status " + std::string(to_string(status));
    if (!owner.empty())
        message += ", lease owner " + owner;
    return Error::invalid("worker", message + "); the attempt was not recorded");
}

namespace {

Error not_applicable(MessageId id, Status status, std::string_view action,
                     std::string_view allowed) {
    return Error::invalid(
        "id", "message " + std::to_string(id) + " is " + std::string(to_string(status)) +
                  "; only " + std::string(allowed) + " messages can be " + std::string(action));
}

}  // namespace

Result<void> check_can_retry(MessageId id, Status status) {
    if (status == Status::dead || status == Status::retry || status == Status::canceled)
        return {};
    return fail(not_applicable(id, status, "retried", "dead, retry or canceled"));
}

Result<void> check_can_cancel(MessageId id, Status status) {
    if (status == Status::queued || status == Status::retry)
        return {};
    return fail(not_applicable(id, status, "canceled", "queued or retry"));
}

std::string cancel_note(const std::string& reason) {
    return reason.empty() ? std::string("canceled by an operator") : reason;
}

Transition transition_for(const Outcome& outcome, const std::optional<Attempt>& attempt,
                          int attempt_count, const std::string& previous_last_error) {
    std::optional<TimePoint> when;
    if (outcome.next_attempt_at != TimePoint{})
        when = truncate_to_ms(outcome.next_attempt_at);
    // The policy's sentence when it gave one, else the server's words from the attempt.
    std::string failure = outcome.reason;
    if (failure.empty() && attempt && attempt->error)
        failure = attempt->error->describe();
    switch (outcome.kind) {
        case Outcome::Kind::sent:
            return {Status::sent, std::nullopt, ""};
        case Outcome::Kind::retry:
            return {Status::retry, when, failure.empty() ? previous_last_error : failure};
        case Outcome::Kind::dead:
            return {Status::dead, std::nullopt, failure.empty() ? "dead" : failure};
        case Outcome::Kind::release:
            return {attempt_count > 0 ? Status::retry : Status::queued, when,
                    failure.empty() ? previous_last_error : failure};
    }
    return {Status::dead, std::nullopt, "unknown outcome"};
}

}  // namespace txmail::outbox
