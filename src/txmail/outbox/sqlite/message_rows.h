// The mapping between outbox values and SQLite rows (schema in migrations.cpp), shared by every
// statement of the SQLite store so that a column is read and written in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/store.h"

namespace txmail::outbox::sqlite {

// The columns read_message() expects, first column 0; for "SELECT <message_columns> FROM messages
// ...". The bytes live in message_bodies, apart from the row every lease and outcome rewrites.
inline constexpr std::string_view message_columns =
    "id, event, status, priority, sender, recipients, subject, message_id, "
    "(SELECT bytes FROM message_bodies WHERE message_id = messages.id), idempotency_key, "
    "created_at, next_attempt_at, lease_owner, lease_until, attempt_count, last_error";

// The statuses a message still has work in, as the partial index messages_due tests them (a query
// must say it the same way for SQLite to use the index); an OR chain, not IN, for the reason
// migrations.cpp gives.
inline constexpr std::string_view unfinished_status =
    "(status = 'queued' OR status = 'retry' OR status = 'sending')";

// One status's messages, counted over the range messages_status (status, id) holds for it: as
// long as what it counts, where a GROUP BY over every status reads every message ever stored.
inline constexpr std::string_view count_in_status_query =
    "SELECT count(*) FROM messages WHERE status = ?1";
Result<std::vector<std::pair<Status, std::int64_t>>> count_by_status(
    Connection& connection, std::span<const Status> statuses);

StoredMessage read_message(const Statement& row);
// "SELECT <message_columns> FROM messages <rest>".
std::string select_messages(std::string_view rest);
// The lease's walk: unfinished messages due at ?1 (unix ms) whose sender is not in the JSON array
// ?2, in lease order, at most ?3. Walking messages_due stops after ?3 due rows, where the
// planner's default (by status, then sort) would sort the whole backlog. The paused senders are a
// correlated NOT EXISTS: NOT IN (SELECT ...) would build a temporary b-tree of them at every
// lease, on the writer's thread, most often of none.
const std::string& due_messages_query();

Result<std::optional<KeyedMessage>> find_keyed_message(Connection& connection,
                                                       const std::string& key);
// Inserts a queued row, or finds the row that already has the idempotency key (created false),
// unless the key was stored for another request (outbox::check_same_request).
Result<Enqueued> insert_message(Connection& connection, const NewMessage& message, TimePoint now);

Result<void> insert_attempt(Connection& connection, MessageId id, int number,
                            const Attempt& attempt);
Result<std::vector<Attempt>> read_attempts(Connection& connection, MessageId id);
// The attempt numbered `number` (a message's last one is its attempt_count), if any.
Result<std::optional<Attempt>> read_attempt(Connection& connection, MessageId id, int number);
// Fills last_attempt for messages that have attempts.
Result<void> attach_last_attempts(Connection& connection, std::vector<StoredMessage>& messages);

}  // namespace txmail::outbox::sqlite
