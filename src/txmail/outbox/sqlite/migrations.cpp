#include "txmail/outbox/sqlite/migrations.h"

#include "txmail/outbox/lifecycle.h"

namespace txmail::outbox::sqlite {

namespace {

// Times are unix milliseconds; statuses are words so the file reads well in the sqlite3 shell.
// messages_due serves lease_due: only unfinished rows, in the order they are leased, so a
// history of sent messages does not slow it and no sort is needed.
constexpr std::string_view outbox_schema = R"sql(
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retry', 'dead', 'canceled')),
    priority INTEGER NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    bytes BLOB NOT NULL,
    idempotency_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_due ON messages (priority DESC, created_at, id)
    WHERE status IN ('queued', 'retry', 'sending');
CREATE INDEX messages_waiting_since ON messages (next_attempt_at)
    WHERE status IN ('queued', 'retry');
CREATE INDEX messages_status ON messages (status, id);
CREATE TABLE attempts (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    backend TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    error_kind TEXT,
    error_message TEXT,
    error_field TEXT,
    code INTEGER,
    enhanced_status TEXT,
    reply TEXT,
    detail TEXT NOT NULL DEFAULT '',
    diagnosis TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (message_id, number)
) WITHOUT ROWID;
CREATE TABLE sender_pauses (
    sender TEXT PRIMARY KEY,
    paused_until INTEGER NOT NULL,
    reason TEXT NOT NULL
);
)sql";

// Contacts and watchlists for `txmail serve` (service/sqlite_contact_store.h).
constexpr std::string_view contacts_schema = R"sql(
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    stripe_customer_id TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE watchlist (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticker TEXT NOT NULL,
    PRIMARY KEY (user_id, ticker)
) WITHOUT ROWID;
CREATE INDEX watchlist_ticker ON watchlist (ticker, user_id);
)sql";

// The Stripe webhook ledger (service/sqlite_stripe_webhook_ledger.h): the audit of every request,
// each event id once, and per subscription the last event acted on. Bodies are BLOBs: a refused
// request's bytes need not be UTF-8. JSON columns hold objects/arrays as text.
constexpr std::string_view stripe_webhooks_schema = R"sql(
CREATE TABLE stripe_webhook_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    source_ip TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    valid INTEGER NOT NULL,
    reason TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message_ids TEXT NOT NULL
);
CREATE INDEX stripe_webhook_requests_event ON stripe_webhook_requests (event_id, id);
CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('processing', 'processed', 'ignored', 'pending_customer')),
    result TEXT NOT NULL,
    message_ids TEXT NOT NULL,
    payload BLOB NOT NULL,
    claimed_at INTEGER NOT NULL
);
CREATE INDEX stripe_events_pending ON stripe_events (customer_id, created)
    WHERE status = 'pending_customer';
CREATE TABLE stripe_subscriptions (
    id TEXT PRIMARY KEY,
    last_created INTEGER NOT NULL,
    deleted INTEGER NOT NULL
);
)sql";

// The lease's walk (sqlite_store.cpp, lease_due) reads in messages_due's order and skips the rows
// not due yet (retry later, leased) and those of excluded senders (rate limited, paused). With
// only the order in the index, each skipped row was read from the table, through the overflow
// pages of its ~6 KB message: a sender out of tokens under Microsoft 365's 30 a minute, with 10,000
// queued, made every lease a 27 ms walk on the writer thread. With the columns the walk tests in
// the index, SQLite tests them there and reads the table only for the rows it leases.
constexpr std::string_view outbox_due_walk_schema = R"sql(
DROP INDEX messages_due;
CREATE INDEX messages_due ON messages (priority DESC, created_at, id, status, next_attempt_at,
    lease_until, sender)
    WHERE status IN ('queued', 'retry', 'sending');
)sql";

// A webhook is answered once its event is stored as `received` (service/stripe_webhook_processor.h)
// and acted on behind the answer, oldest first: the CHECK admits the new status (SQLite alters a
// CHECK only by rebuilding the table), and a partial index holds the received events alone, so
// finding the next ones reads neither the events acted on nor a sort.
constexpr std::string_view stripe_received_schema = R"sql(
CREATE TABLE stripe_events_new (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('received', 'processing', 'processed', 'ignored', 'pending_customer')),
    result TEXT NOT NULL,
    message_ids TEXT NOT NULL,
    payload BLOB NOT NULL,
    claimed_at INTEGER NOT NULL
);
INSERT INTO stripe_events_new (rowid, id, type, created, customer_id, status, result, message_ids,
    payload, claimed_at)
    SELECT rowid, id, type, created, customer_id, status, result, message_ids, payload, claimed_at
    FROM stripe_events;
DROP TABLE stripe_events;
ALTER TABLE stripe_events_new RENAME TO stripe_events;
CREATE INDEX stripe_events_pending ON stripe_events (customer_id, created)
    WHERE status = 'pending_customer';
CREATE INDEX stripe_events_received ON stripe_events (claimed_at) WHERE status = 'received';
)sql";

// A constant IN list of three or more makes SQLite build a temporary b-tree (OpenEphemeral: a
// pager, a page cache, freed again) every time the expression runs: for the CHECK on every write
// of a row and for a partial index's WHERE on every write that touches the index, three per
// UPDATE of a message, on the one writer thread. The same tests as OR chains cost a few
// comparisons (docs/benchmarks.md, "Writes without temporary b-trees"). What never changes once
// written moves to a table of its own: a row changes size when its status or outcome changes, and
// SQLite then writes the whole record again, overflow pages and all: a message's ~10 KB of bytes
// for its lease and again for its outcome, a Stripe request's headers and body when its outcome
// is recorded. The idempotency keys' unique index leaves out the messages without one (most): the
// column's UNIQUE indexed every NULL too, one more page written at every commit. The tables are
// rebuilt with foreign keys off (attempts and message_bodies refer to messages), keeping their
// AUTOINCREMENT sequences (https://sqlite.org/lang_altertable.html, "other kinds of table schema
// changes").
constexpr std::string_view lean_writes_schema = R"sql(
CREATE TABLE messages_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status = 'queued' OR status = 'sending' OR status = 'sent'
        OR status = 'retry' OR status = 'dead' OR status = 'canceled'),
    priority INTEGER NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    idempotency_key TEXT,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
INSERT INTO messages_new (id, event, status, priority, sender, recipients, subject, message_id,
    idempotency_key, created_at, next_attempt_at, lease_owner, lease_until, attempt_count,
    last_error)
    SELECT id, event, status, priority, sender, recipients, subject, message_id, idempotency_key,
        created_at, next_attempt_at, lease_owner, lease_until, attempt_count, last_error
    FROM messages;
CREATE TABLE message_bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
);
INSERT INTO message_bodies (message_id, bytes) SELECT id, bytes FROM messages;
DELETE FROM sqlite_sequence WHERE name = 'messages_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'messages_new', seq FROM sqlite_sequence
    WHERE name = 'messages';
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_due ON messages (priority DESC, created_at, id, status, next_attempt_at,
    lease_until, sender)
    WHERE status = 'queued' OR status = 'retry' OR status = 'sending';
CREATE INDEX messages_waiting_since ON messages (next_attempt_at)
    WHERE status IN ('queued', 'retry');
CREATE INDEX messages_status ON messages (status, id);
CREATE UNIQUE INDEX messages_idempotency_key ON messages (idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE stripe_events_new (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status = 'received' OR status = 'processing'
        OR status = 'processed' OR status = 'ignored' OR status = 'pending_customer'),
    result TEXT NOT NULL,
    message_ids TEXT NOT NULL,
    payload BLOB NOT NULL,
    claimed_at INTEGER NOT NULL
);
INSERT INTO stripe_events_new (rowid, id, type, created, customer_id, status, result, message_ids,
    payload, claimed_at)
    SELECT rowid, id, type, created, customer_id, status, result, message_ids, payload, claimed_at
    FROM stripe_events;
DROP TABLE stripe_events;
ALTER TABLE stripe_events_new RENAME TO stripe_events;
CREATE INDEX stripe_events_pending ON stripe_events (customer_id, created)
    WHERE status = 'pending_customer';
CREATE INDEX stripe_events_received ON stripe_events (claimed_at) WHERE status = 'received';

CREATE TABLE stripe_webhook_requests_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    source_ip TEXT NOT NULL,
    valid INTEGER NOT NULL,
    reason TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message_ids TEXT NOT NULL
);
INSERT INTO stripe_webhook_requests_new (id, received_at, source_ip, valid, reason, event_id,
    event_type, outcome, message_ids)
    SELECT id, received_at, source_ip, valid, reason, event_id, event_type, outcome, message_ids
    FROM stripe_webhook_requests;
CREATE TABLE stripe_webhook_request_contents (
    request_id INTEGER PRIMARY KEY REFERENCES stripe_webhook_requests (id) ON DELETE CASCADE,
    headers TEXT NOT NULL,
    body BLOB NOT NULL
);
INSERT INTO stripe_webhook_request_contents (request_id, headers, body)
    SELECT id, headers, body FROM stripe_webhook_requests;
DELETE FROM sqlite_sequence WHERE name = 'stripe_webhook_requests_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'stripe_webhook_requests_new', seq
    FROM sqlite_sequence WHERE name = 'stripe_webhook_requests';
DROP TABLE stripe_webhook_requests;
ALTER TABLE stripe_webhook_requests_new RENAME TO stripe_webhook_requests;
CREATE INDEX stripe_webhook_requests_event ON stripe_webhook_requests (event_id, id);
)sql";

// The digest of the HTTP request that stored a keyed message (NewMessage::request_digest), so
// that the same key sent with another request is refused rather than answered as a replay. Rows
// from before it have none, and the key alone decides for them, as before.
constexpr std::string_view request_digest_schema = R"sql(
ALTER TABLE messages ADD COLUMN request_digest TEXT;
)sql";

// A checkout kept for its customer also waits for the user it names (StripeEventRecord::
// for_user_id, for_email), so that saving that user delivers it; read through the pending index.
constexpr std::string_view stripe_pending_user_schema = R"sql(
ALTER TABLE stripe_events ADD COLUMN for_user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE stripe_events ADD COLUMN for_email TEXT NOT NULL DEFAULT '';
)sql";

// Append only (see the header).
constexpr Migration all_migrations[] = {
    {1, "outbox: messages, attempts, sender pauses", outbox_schema},
    {2, "service: users and watchlists", contacts_schema},
    {3, "service: Stripe webhook requests, events and subscriptions", stripe_webhooks_schema},
    {4, "outbox: the lease tests due times and senders in its index", outbox_due_walk_schema},
    {5, "service: Stripe events are acted on after the answer", stripe_received_schema},
    {6, "outbox and service: writes without temporary b-trees, bytes apart from updated rows",
     lean_writes_schema, /*foreign_keys_off=*/true},
    {7, "outbox: a keyed message keeps the digest of the request that stored it",
     request_digest_schema},
    {8, "service: a Stripe checkout kept for its customer also waits for the user it names",
     stripe_pending_user_schema},
};

}  // namespace

std::span<const Migration> migrations() {
    return all_migrations;
}

Result<int> schema_version(Connection& connection) {
    if (auto created = connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        !created)
        return fail(created.error());
    auto query = connection.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!query)
        return fail(query.error());
    auto row = query->step();
    if (!row)
        return fail(row.error());
    return static_cast<int>(query->integer(0));
}

namespace {

// The rows, if any, that break a foreign key: a migration that rebuilt a table with foreign keys
// off must leave none.
Result<void> check_foreign_keys(Connection& connection, const Migration& migration) {
    auto check = connection.prepare("PRAGMA foreign_key_check");
    if (!check)
        return fail(check.error());
    auto row = check->step();
    if (!row)
        return fail(row.error());
    if (*row)
        return fail(Error::internal("schema migration " + std::to_string(migration.version) + " (" +
                                    std::string(migration.name) + ") left row " +
                                    std::to_string(check->integer(1)) + " of " + check->text(0) +
                                    " referring to a missing row of " + check->text(2)));
    return {};
}

// One migration in its own transaction; false when another process had applied it already.
Result<bool> apply_in_transaction(Connection& connection, const Migration& migration) {
    if (auto begun = connection.execute("BEGIN IMMEDIATE"); !begun)
        return fail(begun.error());
    auto rollback = [&](Error error) -> Result<bool> {
        (void)connection.execute("ROLLBACK");
        return fail(std::move(error));
    };
    bool applied_already = false;
    {
        auto seen = connection.prepare("SELECT 1 FROM schema_migrations WHERE version = ?1");
        if (!seen)
            return rollback(seen.error());
        auto row = seen->bind(1, std::int64_t{migration.version}).step();
        if (!row)
            return rollback(row.error());
        applied_already = *row;
    }  // the statement is reset here, before COMMIT
    if (!applied_already) {
        if (auto done = connection.execute(migration.sql); !done) {
            Error error = done.error();
            error.message = "schema migration " + std::to_string(migration.version) + " (" +
                            std::string(migration.name) + "): " + error.message;
            return rollback(std::move(error));
        }
        auto record = connection.prepare(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
        if (!record)
            return rollback(record.error());
        auto recorded = record->bind(1, std::int64_t{migration.version})
                            .bind(2, migration.name)
                            .bind(3, to_unix_ms(Clock::now()))
                            .run();
        if (!recorded)
            return rollback(recorded.error());
        if (migration.foreign_keys_off)
            if (auto intact = check_foreign_keys(connection, migration); !intact)
                return rollback(intact.error());
    }
    if (auto committed = connection.execute("COMMIT"); !committed)
        return rollback(committed.error());
    return !applied_already;
}

// SQLite ignores PRAGMA foreign_keys inside a transaction, so it is turned off around it.
Result<bool> apply(Connection& connection, const Migration& migration) {
    if (!migration.foreign_keys_off)
        return apply_in_transaction(connection, migration);
    if (auto off = connection.execute("PRAGMA foreign_keys=OFF"); !off)
        return fail(off.error());
    auto applied = apply_in_transaction(connection, migration);
    if (auto on = connection.execute("PRAGMA foreign_keys=ON"); !on && applied)
        return fail(on.error());
    return applied;
}

}  // namespace

Result<MigrationReport> migrate(Connection& connection, std::span<const Migration> list) {
    auto current = schema_version(connection);
    if (!current)
        return fail(current.error());
    const int known = list.empty() ? 0 : list.back().version;
    if (*current > known)
        return fail(Error::config(
            "TXMAIL_DATABASE_URL",
            connection.path().string() + " has schema version " + std::to_string(*current) +
                ", newer than this txmail knows (" + std::to_string(known) +
                "); run the txmail release that migrated it, or a newer one"));
    MigrationReport report;
    for (const Migration& migration : list) {
        if (migration.version <= *current)
            continue;
        auto applied = apply(connection, migration);
        if (!applied)
            return fail(applied.error());
        if (*applied)
            report.applied.push_back({migration.version, std::string(migration.name)});
    }
    report.version = known;
    return report;
}

}  // namespace txmail::outbox::sqlite
