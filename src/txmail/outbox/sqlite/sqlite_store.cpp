#include "txmail/outbox/sqlite/sqlite_store.h"

#include <nlohmann/json.hpp>

#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/message_rows.h"
#include "txmail/outbox/sqlite/migrations.h"
#include "txmail/outbox/sqlite/oldest_rows_purge.h"
#include "txmail/outbox/sqlite/rows.h"

namespace txmail::outbox::sqlite {

namespace {

// What complete(), retry() and cancel() check before they change a row.
struct RowState {
    Status status = Status::queued;
    std::string lease_owner;
    int attempt_count = 0;
    std::string last_error;
};

Result<std::optional<RowState>> read_state(Connection& connection, MessageId id) {
    auto query = connection.prepare(
        "SELECT status, lease_owner, attempt_count, last_error FROM messages WHERE id = ?1");
    if (!query)
        return fail(query.error());
    query->bind(1, id);
    return first_row<RowState>(*query, [](const Statement& row) {
        return RowState{parse_status(row.text(0)).value_or(Status::dead), row.text(1),
                        static_cast<int>(row.integer(2)), row.text(3)};
    });
}

Result<RowState> require_state(Connection& connection, MessageId id) {
    auto state = read_state(connection, id);
    if (!state)
        return fail(state.error());
    if (!*state)
        return fail(message_not_found(id));
    return std::move(**state);
}

// Collects every row of a query over message_columns.
Result<std::vector<StoredMessage>> read_messages(Statement& query) {
    return all_rows<StoredMessage>(query, read_message);
}

}  // namespace

SqliteStore::SqliteStore(StoreFile file)
    : writer_(std::move(file.writer)),
      commits_(writer_->commits),
      reader_(std::move(file.reader)) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path,
                                                       const SqliteOptions& options) {
    const GroupCommit::Options commits =
        options.group_commit ? GroupCommit::Options{.max_batch = options.max_batch}
                             : GroupCommit::Options{.max_batch = 1, .pipelined_sync = false};
    auto file = open_store_file(path, options.busy_timeout, commits);
    if (!file)
        return fail(file.error());
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*file)));
}

// The work that stores `message` and notes the row it became (or already was) in `row`.
GroupCommit::Work SqliteStore::insert_work(const NewMessage& message, Enqueued& row) {
    return [&message, &row](Connection& connection) -> Result<void> {
        auto inserted = insert_message(connection, message, truncate_to_ms(Clock::now()));
        if (!inserted)
            return fail(inserted.error());
        row = *inserted;
        return {};
    };
}

Result<Enqueued> SqliteStore::enqueue(const NewMessage& message) {
    if (auto valid = validate(message); !valid)
        return fail(valid.error());
    Enqueued enqueued;
    if (auto written = commits_.run(insert_work(message, enqueued)); !written)
        return fail(written.error());
    return enqueued;
}

void SqliteStore::enqueue_async(NewMessage message, Wait wait, EnqueueDone done) {
    if (auto valid = validate(message); !valid)
        return done(fail(valid.error()));
    // Owned by the work until the commit, then read by the callback.
    struct Job {
        NewMessage message;
        Enqueued row;
    };
    auto job = std::make_shared<Job>(Job{std::move(message), {}});
    commits_.submit(
        [job, work = insert_work(job->message, job->row)](Connection& connection) {
            return work(connection);
        },
        wait == Wait::durable ? GroupCommit::Await::durable : GroupCommit::Await::committed,
        [job, done = std::move(done)](Result<void> written) {
            if (!written)
                return done(fail(written.error()));
            done(std::move(job->row));
        });
}

Result<std::vector<Enqueued>> SqliteStore::enqueue_batch(std::span<const NewMessage> messages) {
    for (const auto& message : messages)
        if (auto valid = validate(message); !valid)
            return fail(valid.error());
    std::vector<Enqueued> out;
    // One work item: its savepoint makes the whole batch commit or vanish together.
    auto written = commits_.run([&](Connection& connection) -> Result<void> {
        out.clear();
        const TimePoint now = truncate_to_ms(Clock::now());
        for (const auto& message : messages) {
            auto inserted = insert_message(connection, message, now);
            if (!inserted)
                return fail(inserted.error());
            out.push_back(*inserted);
        }
        return {};
    });
    if (!written)
        return fail(written.error());
    return out;
}

Result<std::vector<StoredMessage>> SqliteStore::lease_due(const std::string& worker, TimePoint now,
                                                          std::chrono::milliseconds lease_for,
                                                          std::size_t max,
                                                          const std::set<std::string>& paused) {
    const std::int64_t now_ms = to_unix_ms(now);
    const std::int64_t until_ms = now_ms + lease_for.count();
    const std::string paused_json = nlohmann::json(paused).dump();
    std::vector<StoredMessage> leased;
    // Reading and updating in one write transaction: no other worker or process sees these rows
    // due between the two.
    auto written = commits_.run(
        [&](Connection& connection) -> Result<void> {
            leased.clear();
            {
                auto due = connection.prepare(due_messages_query());
                if (!due)
                    return fail(due.error());
                due->bind(1, now_ms).bind(2, paused_json).bind(3, static_cast<std::int64_t>(max));
                auto rows = read_messages(*due);
                if (!rows)
                    return fail(rows.error());
                leased = std::move(*rows);
            }
            for (StoredMessage& m : leased) {
                if (m.status == Status::sending)
                    m.last_error = lease_expired_note(m.lease_owner, *m.lease_until);
                m.status = Status::sending;
                m.lease_owner = worker;
                m.lease_until = from_unix_ms(until_ms);
                auto update = connection.prepare(
                    "UPDATE messages SET status = 'sending', lease_owner = ?2, lease_until = ?3, "
                    "last_error = ?4 WHERE id = ?1");
                if (!update)
                    return fail(update.error());
                auto updated = update->bind(1, m.id)
                                   .bind(2, worker)
                                   .bind(3, until_ms)
                                   .bind(4, m.last_error)
                                   .run();
                if (!updated)
                    return fail(updated.error());
            }
            return attach_last_attempts(connection, leased);
        },
        GroupCommit::Await::committed);
    if (!written)
        return fail(written.error());
    return leased;
}

// Leases and outcomes wait for their commit, not for the disk (the sync follows at once): one lost
// in a power cut leaves the message leased or due again, so it may be sent twice but is never
// lost, as when the process dies between the server's 250 and the commit. The dispatcher's
// workers then wait about half as long per message.
Result<void> SqliteStore::complete(MessageId id, const std::string& worker,
                                   const std::optional<Attempt>& attempt, const Outcome& outcome) {
    return commits_.run(
        [&](Connection& connection) -> Result<void> {
            auto state = require_state(connection, id);
            if (!state)
                return fail(state.error());
            if (state->status != Status::sending || state->lease_owner != worker)
                return fail(lease_not_held(id, worker, state->status, state->lease_owner));
            int attempt_count = state->attempt_count;
            if (attempt) {
                if (auto kept = insert_attempt(connection, id, ++attempt_count, *attempt); !kept)
                    return kept;
            }
            const Transition next =
                transition_for(outcome, attempt, attempt_count, state->last_error);
            auto update = connection.prepare(
                "UPDATE messages SET status = ?2, next_attempt_at = coalesce(?3, next_attempt_at), "
                "last_error = ?4, attempt_count = ?5, lease_owner = '', lease_until = NULL "
                "WHERE id = ?1");
            if (!update)
                return fail(update.error());
            update->bind(1, id).bind(2, to_string(next.status));
            if (next.next_attempt_at)
                update->bind(3, to_unix_ms(*next.next_attempt_at));
            else
                update->bind_null(3);
            return update->bind(4, next.last_error).bind(5, std::int64_t{attempt_count}).run();
        },
        GroupCommit::Await::committed);
}

Result<std::optional<StoredMessage>> SqliteStore::get(MessageId id) {
    std::lock_guard lock(reader_mutex_);
    static const std::string sql = select_messages("WHERE id = ?1");
    std::vector<StoredMessage> found;
    {
        auto query = reader_->prepare(sql);
        if (!query)
            return fail(query.error());
        query->bind(1, id);
        auto rows = read_messages(*query);
        if (!rows)
            return fail(rows.error());
        found = std::move(*rows);
    }
    if (found.empty())
        return std::optional<StoredMessage>{};
    if (auto attached = attach_last_attempts(*reader_, found); !attached)
        return fail(attached.error());
    return std::optional<StoredMessage>{std::move(found.front())};
}

Result<std::optional<KeyedMessage>> SqliteStore::find_by_idempotency_key(const std::string& key) {
    std::lock_guard lock(reader_mutex_);
    return find_keyed_message(*reader_, key);
}

Result<std::vector<Attempt>> SqliteStore::attempts(MessageId id) {
    std::lock_guard lock(reader_mutex_);
    return read_attempts(*reader_, id);
}

Result<std::vector<StoredMessage>> SqliteStore::list(const ListFilter& filter) {
    // One statement per combination of filters, so each can use its index (status, id).
    std::string where = "WHERE id > ?1";
    if (filter.status)
        where += " AND status = ?2";
    if (filter.event)
        where += " AND event = ?3";
    if (filter.recipient)
        where += " AND EXISTS (SELECT 1 FROM json_each(recipients) WHERE lower(value) = lower(?4))";
    where += " ORDER BY id LIMIT ?5";
    const std::string sql = select_messages(where);
    std::lock_guard lock(reader_mutex_);
    std::vector<StoredMessage> found;
    {
        auto query = reader_->prepare(sql);
        if (!query)
            return fail(query.error());
        query->bind(1, filter.after_id.value_or(0))
            .bind_optional(2, filter.status ? std::optional<std::string>(to_string(*filter.status))
                                            : std::nullopt)
            .bind_optional(3, filter.event)
            .bind_optional(4, filter.recipient)
            .bind(5, static_cast<std::int64_t>(filter.limit));
        auto rows = read_messages(*query);
        if (!rows)
            return fail(rows.error());
        found = std::move(*rows);
    }
    if (auto attached = attach_last_attempts(*reader_, found); !attached)
        return fail(attached.error());
    return found;
}

Result<void> SqliteStore::ping() {
    std::lock_guard lock(reader_mutex_);
    return reader_->probe("messages");
}

Result<std::vector<std::pair<Status, std::int64_t>>> SqliteStore::count(
    std::span<const Status> statuses) {
    std::lock_guard lock(reader_mutex_);
    return count_by_status(*reader_, statuses);
}

Result<Stats> SqliteStore::stats() {
    Stats stats;
    {
        std::lock_guard lock(reader_mutex_);
        auto counts = count_by_status(*reader_, all_statuses);
        if (!counts)
            return fail(counts.error());
        stats.by_status = std::move(*counts);
        static const std::string oldest_sql =
            "SELECT min(created_at) FROM messages INDEXED BY messages_due WHERE " +
            std::string(unfinished_status);
        auto oldest = reader_->prepare(oldest_sql);
        if (!oldest)
            return fail(oldest.error());
        auto row = oldest->step();
        if (!row)
            return fail(row.error());
        if (*row && !oldest->is_null(0))
            stats.oldest_queued = from_unix_ms(oldest->integer(0));
    }
    auto pauses = sender_pauses();
    if (!pauses)
        return fail(pauses.error());
    stats.paused_senders = std::move(*pauses);
    return stats;
}

Result<void> SqliteStore::retry(MessageId id, TimePoint now) {
    return commits_.run([&](Connection& connection) -> Result<void> {
        auto state = require_state(connection, id);
        if (!state)
            return fail(state.error());
        if (auto allowed = check_can_retry(id, state->status); !allowed)
            return allowed;
        auto update = connection.prepare(
            "UPDATE messages SET status = ?2, next_attempt_at = ?3 WHERE id = ?1");
        if (!update)
            return fail(update.error());
        return update->bind(1, id)
            .bind(2, to_string(state->attempt_count > 0 ? Status::retry : Status::queued))
            .bind(3, to_unix_ms(now))
            .run();
    });
}

Result<void> SqliteStore::cancel(MessageId id, const std::string& reason) {
    return commits_.run([&](Connection& connection) -> Result<void> {
        auto state = require_state(connection, id);
        if (!state)
            return fail(state.error());
        if (auto allowed = check_can_cancel(id, state->status); !allowed)
            return allowed;
        auto update = connection.prepare(
            "UPDATE messages SET status = 'canceled', last_error = ?2 WHERE id = ?1");
        if (!update)
            return fail(update.error());
        return update->bind(1, id).bind(2, cancel_note(reason)).run();
    });
}

Result<std::int64_t> SqliteStore::purge_finished(TimePoint created_before, std::stop_token stop) {
    static const std::string finished = "NOT " + std::string(unfinished_status);
    // The cascade removes the bytes and the attempts.
    return purge_oldest_rows(commits_, {"messages", "created_at", finished},
                             to_unix_ms(created_before), std::move(stop));
}

Result<std::optional<TimePoint>> SqliteStore::next_due() {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare(
        "SELECT min(due) FROM ("
        "SELECT min(next_attempt_at) AS due FROM messages INDEXED BY messages_waiting_since "
        "WHERE status IN ('queued', 'retry') "
        "UNION ALL SELECT min(lease_until) FROM messages WHERE status = 'sending')");
    if (!query)
        return fail(query.error());
    auto row = query->step();
    if (!row)
        return fail(row.error());
    if (!*row || query->is_null(0))
        return std::optional<TimePoint>{};
    return std::optional<TimePoint>{from_unix_ms(query->integer(0))};
}

Result<void> SqliteStore::pause_sender(const SenderPause& pause) {
    return commits_.run([&](Connection& connection) -> Result<void> {
        auto upsert = connection.prepare(
            "INSERT INTO sender_pauses (sender, paused_until, reason) VALUES (?1, ?2, ?3) "
            "ON CONFLICT (sender) DO UPDATE SET paused_until = excluded.paused_until, "
            "reason = excluded.reason");
        if (!upsert)
            return fail(upsert.error());
        return upsert->bind(1, pause.sender)
            .bind(2, to_unix_ms(pause.until))
            .bind(3, pause.reason)
            .run();
    });
}

Result<void> SqliteStore::resume_sender(const std::string& sender) {
    return commits_.run([&](Connection& connection) -> Result<void> {
        auto remove = connection.prepare("DELETE FROM sender_pauses WHERE sender = ?1");
        if (!remove)
            return fail(remove.error());
        return remove->bind(1, sender).run();
    });
}

Result<std::vector<SenderPause>> SqliteStore::sender_pauses() {
    std::lock_guard lock(reader_mutex_);
    auto query =
        reader_->prepare("SELECT sender, paused_until, reason FROM sender_pauses ORDER BY sender");
    if (!query)
        return fail(query.error());
    return all_rows<SenderPause>(*query, [](const Statement& row) {
        return SenderPause{row.text(0), from_unix_ms(row.integer(1)), row.text(2)};
    });
}

}  // namespace txmail::outbox::sqlite
