// The lifecycle rules every Store implementation applies, kept in one place so that the memory
// store the dispatcher's tests run on behaves exactly like SQLite (and, later, PostgreSQL):
// what a valid NewMessage is, which operator actions apply in which state, what complete() does
// with an Outcome, what last_error says, and the errors that name the id and the state.
//
// Decisions recorded here:
// - Times are kept as integer unix milliseconds; the memory store truncates the same way.
// - A lease that expires (its worker died) does not count as an attempt, because none was
//   recorded; attempt_count stays, and last_error notes "lease expired" with the old owner.
// - "Oldest first within a priority" is created_at, then id.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "txmail/outbox/store.h"

namespace txmail::outbox {

// In declaration order, so static_cast<std::size_t>(status) indexes it.
inline constexpr std::array<Status, 6> all_statuses = {
    Status::queued, Status::sending, Status::sent, Status::retry, Status::dead, Status::canceled};
// The statuses a message waits in or stopped in short of delivery: txmail_queue_depth's states.
// `sent` is the one a healthy outbox grows without bound, and it has a counter of its own.
inline constexpr std::array<Status, 5> queue_statuses = {
    Status::queued, Status::sending, Status::retry, Status::dead, Status::canceled};

// Whether a message in `status` is done with: nothing more will be tried unless an operator
// retries it.
constexpr bool is_finished(Status status) {
    return status == Status::sent || status == Status::dead || status == Status::canceled;
}

std::int64_t to_unix_ms(TimePoint time);
TimePoint from_unix_ms(std::int64_t milliseconds);
TimePoint truncate_to_ms(TimePoint time);

// Longest idempotency key accepted: room for the HTTP API's, a route and ticker, a 255-character
// Idempotency-Key and a 128-byte user id (Stripe event ids and UUIDs are far shorter).
inline constexpr std::size_t max_idempotency_key_length = 512;

// Errors name the field: event, message.envelope.sender, message.envelope.recipients,
// message.bytes, idempotency_key.
Result<void> validate(const NewMessage& message);

// Whether a request with `request_digest`, under a key already stored with `stored`, repeats the
// request that stored it: yes unless both digests are known and differ. Otherwise the error,
// is_key_reused(), which the HTTP API answers 422 (the IETF httpapi Idempotency-Key draft,
// "Error Scenarios").
Result<void> check_same_request(const std::optional<std::string>& request_digest,
                                const KeyedMessage& stored);
bool is_key_reused(const Error& error);

// A row is due when waiting and its time has come, or leased with the lease run out.
bool is_due(Status status, TimePoint next_attempt_at, std::optional<TimePoint> lease_until,
            TimePoint now);
std::string lease_expired_note(const std::string& owner, TimePoint lease_until);

Error message_not_found(MessageId id);
// complete() by a worker that does not hold the lease.
Error lease_not_held(MessageId id, const std::string& worker, Status status,
                     const std::string& owner);
Result<void> check_can_retry(MessageId id, Status status);
Result<void> check_can_cancel(MessageId id, Status status);
std::string cancel_note(const std::string& reason);

// What complete() writes once the lease is verified and the attempt (if any) counted.
struct Transition {
    Status status = Status::sent;
    std::optional<TimePoint> next_attempt_at;  // nullopt: keep the time it was due at
    std::string last_error;
};
Transition transition_for(const Outcome& outcome, const std::optional<Attempt>& attempt,
                          int attempt_count, const std::string& previous_last_error);

}  // namespace txmail::outbox
