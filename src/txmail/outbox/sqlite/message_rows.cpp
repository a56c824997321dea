#include "txmail/outbox/sqlite/message_rows.h"

#include <nlohmann/json.hpp>

#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/rows.h"

namespace txmail::outbox::sqlite {

namespace {

constexpr std::string_view attempt_columns =
    "number, started_at, duration_ms, backend, accepted, error_kind, error_message, error_field, "
    "code, enhanced_status, reply, detail, diagnosis";

std::vector<std::string> parse_recipients(const std::string& json_text) {
    auto parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    std::vector<std::string> recipients;
    if (parsed.is_array())
        for (const auto& each : parsed)
            if (each.is_string())
                recipients.push_back(each.get<std::string>());
    return recipients;
}

ErrorKind parse_error_kind(std::string_view text) {
    for (ErrorKind kind : {ErrorKind::transient, ErrorKind::permanent, ErrorKind::config})
        if (to_string(kind) == text)
            return kind;
    return ErrorKind::internal;
}

Attempt read_attempt_row(const Statement& row) {
    Attempt attempt;
    attempt.number = static_cast<int>(row.integer(0));
    attempt.started_at = from_unix_ms(row.integer(1));
    attempt.duration = std::chrono::milliseconds{row.integer(2)};
    attempt.backend = row.text(3);
    attempt.accepted = row.integer(4) != 0;
    if (!row.is_null(5)) {
        Error error;
        error.kind = parse_error_kind(row.text(5));
        error.message = row.text(6);
        error.field = row.text(7);
        error.code = static_cast<int>(row.integer(8));
        error.enhanced_status = row.text(9);
        error.reply = row.text(10);
        attempt.error = std::move(error);
    }
    attempt.detail = row.text(11);
    attempt.diagnosis = row.text(12);
    return attempt;
}

}  // namespace

StoredMessage read_message(const Statement& row) {
    StoredMessage m;
    m.id = row.integer(0);
    m.event = row.text(1);
    // The CHECK constraint admits only known words.
    m.status = parse_status(row.text(2)).value_or(Status::dead);
    m.priority = static_cast<int>(row.integer(3));
    m.message.envelope.sender = row.text(4);
    m.message.envelope.recipients = parse_recipients(row.text(5));
    m.message.subject = row.text(6);
    m.message.message_id = row.text(7);
    m.message.bytes = row.blob(8);
    m.idempotency_key = row.optional_text(9);
    m.created_at = from_unix_ms(row.integer(10));
    m.next_attempt_at = from_unix_ms(row.integer(11));
    m.lease_owner = row.text(12);
    if (!row.is_null(13))
        m.lease_until = from_unix_ms(row.integer(13));
    m.attempt_count = static_cast<int>(row.integer(14));
    m.last_error = row.text(15);
    return m;
}

std::string select_messages(std::string_view rest) {
    return "SELECT " + std::string(message_columns) + " FROM messages " + std::string(rest);
}

Result<std::vector<std::pair<Status, std::int64_t>>> count_by_status(
    Connection& connection, std::span<const Status> statuses) {
    std::vector<std::pair<Status, std::int64_t>> counts;
    for (Status status : statuses) {
        auto query = connection.prepare(count_in_status_query);
        if (!query)
            return fail(query.error());
        query->bind(1, to_string(status));
        auto row = query->step();
        if (!row)
            return fail(row.error());
        counts.emplace_back(status, *row ? query->integer(0) : 0);
    }
    return counts;
}

const std::string& due_messages_query() {
    static const std::string sql =
        select_messages("INDEXED BY messages_due WHERE " + std::string(unfinished_status) +
                        " AND ((status <> 'sending' AND next_attempt_at <= ?1) "
                        "OR (status = 'sending' AND lease_until < ?1)) "
                        "AND NOT EXISTS (SELECT 1 FROM json_each(?2) WHERE value = sender) "
                        "ORDER BY priority DESC, created_at, id LIMIT ?3");
    return sql;
}

Result<std::optional<KeyedMessage>> find_keyed_message(Connection& connection,
                                                       const std::string& key) {
    auto query =
        connection.prepare("SELECT id, request_digest FROM messages WHERE idempotency_key = ?1");
    if (!query)
        return fail(query.error());
    query->bind(1, key);
    return first_row<KeyedMessage>(*query, [](const Statement& row) {
        return KeyedMessage{row.integer(0), row.optional_text(1)};
    });
}

Result<Enqueued> insert_message(Connection& connection, const NewMessage& message, TimePoint now) {
    // Looked up first rather than INSERT ... ON CONFLICT: a skipped insert would still use up
    // an AUTOINCREMENT id. The caller's write transaction keeps the key from appearing between.
    if (message.idempotency_key) {
        auto seen = find_keyed_message(connection, *message.idempotency_key);
        if (!seen)
            return fail(seen.error());
        if (*seen) {
            if (auto same = check_same_request(message.request_digest, **seen); !same)
                return fail(same.error());
            return Enqueued{(*seen)->id, false};
        }
    }
    auto insert = connection.prepare(
        "INSERT INTO messages (event, status, priority, sender, recipients, subject, message_id, "
        "idempotency_key, created_at, next_attempt_at, request_digest) "
        "VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert)
        return fail(insert.error());
    const auto& rendered = message.message;
    const std::string recipients = nlohmann::json(rendered.envelope.recipients).dump();
    insert->bind(1, message.event)
        .bind(2, std::int64_t{message.priority})
        .bind(3, rendered.envelope.sender)
        .bind(4, recipients)
        .bind(5, rendered.subject)
        .bind(6, rendered.message_id)
        .bind_optional(7, message.idempotency_key)
        .bind(8, to_unix_ms(now))
        .bind(9, to_unix_ms(message.not_before.value_or(now)))
        .bind_optional(10, message.request_digest);
    if (auto inserted = insert->run(); !inserted)
        return fail(inserted.error());
    const MessageId id = connection.last_insert_rowid();
    auto body =
        connection.prepare("INSERT INTO message_bodies (message_id, bytes) VALUES (?1, ?2)");
    if (!body)
        return fail(body.error());
    if (auto kept = body->bind(1, id).bind_blob(2, rendered.bytes).run(); !kept)
        return fail(kept.error());
    return Enqueued{id, true};
}

Result<void> insert_attempt(Connection& connection, MessageId id, int number,
                            const Attempt& attempt) {
    static const std::string sql = "INSERT INTO attempts (message_id, " +
                                   std::string(attempt_columns) +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                   "?13, ?14)";
    auto insert = connection.prepare(sql);
    if (!insert)
        return fail(insert.error());
    insert->bind(1, id)
        .bind(2, std::int64_t{number})
        .bind(3, to_unix_ms(attempt.started_at))
        .bind(4, std::int64_t{attempt.stored_duration().count()})
        .bind(5, attempt.backend)
        .bind(6, std::int64_t{attempt.accepted ? 1 : 0})
        .bind(13, attempt.detail)
        .bind(14, attempt.diagnosis);
    if (const auto& error = attempt.error) {
        insert->bind(7, to_string(error->kind))
            .bind(8, error->message)
            .bind(9, error->field)
            .bind(10, std::int64_t{error->code})
            .bind(11, error->enhanced_status)
            .bind(12, error->reply);
    }
    return insert->run();
}

Result<std::vector<Attempt>> read_attempts(Connection& connection, MessageId id) {
    static const std::string sql = "SELECT " + std::string(attempt_columns) +
                                   " FROM attempts WHERE message_id = ?1 ORDER BY number";
    auto query = connection.prepare(sql);
    if (!query)
        return fail(query.error());
    query->bind(1, id);
    return all_rows<Attempt>(*query, read_attempt_row);
}

Result<std::optional<Attempt>> read_attempt(Connection& connection, MessageId id, int number) {
    static const std::string sql = "SELECT " + std::string(attempt_columns) +
                                   " FROM attempts WHERE message_id = ?1 AND number = ?2";
    auto query = connection.prepare(sql);
    if (!query)
        return fail(query.error());
    query->bind(1, id).bind(2, std::int64_t{number});
    return first_row<Attempt>(*query, read_attempt_row);
}

Result<void> attach_last_attempts(Connection& connection, std::vector<StoredMessage>& messages) {
    for (StoredMessage& m : messages) {
        if (m.attempt_count == 0)
            continue;
        auto last = read_attempt(connection, m.id, m.attempt_count);
        if (!last)
            return fail(last.error());
        m.last_attempt = std::move(*last);
    }
    return {};
}

}  // namespace txmail::outbox::sqlite
