// The mapping between outbox values and SQLite rows (schema in migrations.cpp), shared by every
// statement of the SQLite store so that a column is read and written in one place.
#pragma once

#include <optional>
#include <string>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/store.h"

namespace txmail::outbox::sqlite {

// The columns read_message() expects, first column 0; for "SELECT <message_columns> FROM ...".
inline constexpr std::string_view message_columns =
    "id, event, status, priority, sender, recipients, subject, message_id, bytes, "
    "idempotency_key, created_at, next_attempt_at, lease_owner, lease_until, attempt_count, "
    "last_error";

StoredMessage read_message(const Statement& row);

// Inserts a queued row, or finds the row that already has the idempotency key (created false).
Result<Enqueued> insert_message(Connection& connection, const NewMessage& message, TimePoint now);

Result<void> insert_attempt(Connection& connection, MessageId id, int number,
                            const Attempt& attempt);
Result<std::vector<Attempt>> read_attempts(Connection& connection, MessageId id);
// The attempt numbered `number` (a message's last one is its attempt_count), if any.
Result<std::optional<Attempt>> read_attempt(Connection& connection, MessageId id, int number);
// Fills last_attempt for messages that have attempts.
Result<void> attach_last_attempts(Connection& connection, std::vector<StoredMessage>& messages);

}  // namespace txmail::outbox::sqlite
