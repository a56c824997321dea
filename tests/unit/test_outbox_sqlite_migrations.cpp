// Schema migrations (sqlite/migrations.h): fresh database, idempotent re-runs, version recorded,
// appended migrations applied alone, each migration's upgrade of a database in use (rows kept),
// the writes without temporary b-trees, a failing migration leaves nothing half-done, and a
// database from a newer txmail is refused.
#include "txmail/outbox/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/temp_directory.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/message_rows.h"

namespace txmail::outbox::sqlite {
namespace {

std::unique_ptr<Connection> open_connection(const std::filesystem::path& path) {
    auto connection = Connection::open(path);
    if (!connection)
        throw std::runtime_error(connection.error().describe());
    return std::move(*connection);
}

// Counts rows of a query's first column, or reads one integer.
std::int64_t scalar(Connection& connection, const std::string& sql) {
    auto query = connection.prepare(sql);
    EXPECT_TRUE(query) << query.error().describe();
    auto row = query->step();
    EXPECT_TRUE(row && *row) << sql;
    return query->integer(0);
}

// A database as a txmail with the migrations up to `version` left it.
std::unique_ptr<Connection> database_at(const testing::TempDirectory& directory, int version) {
    auto connection = open_connection(directory / ("version-" + std::to_string(version) + ".db"));
    auto report = migrate(*connection, migrations().first(static_cast<std::size_t>(version)));
    if (!report)
        throw std::runtime_error(report.error().describe());
    return connection;
}

// Applies the migrations up to `version`, of which that one alone must be missing.
void upgrade_to(Connection& connection, int version) {
    auto report = migrate(connection, migrations().first(static_cast<std::size_t>(version)));
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_EQ(report->applied.size(), 1u);
    EXPECT_EQ(report->applied[0].version, version);
}

bool table_exists(Connection& connection, const std::string& name) {
    return scalar(connection,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name +
                      "'") == 1;
}

TEST(SqliteMigrations, VersionsAreConsecutiveFromOne) {
    int expected = 1;
    for (const Migration& migration : migrations()) {
        EXPECT_EQ(migration.version, expected++) << migration.name;
        EXPECT_FALSE(migration.name.empty());
        EXPECT_FALSE(migration.sql.empty());
    }
    EXPECT_GE(migrations().size(), 1u);
}

TEST(SqliteMigrations, FreshDatabaseGetsEverySchemaVersionRecorded) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "fresh.db");
    EXPECT_EQ(*schema_version(*connection), 0);

    const auto before = to_unix_ms(Clock::now());
    auto report = migrate(*connection);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->version, migrations().back().version);
    ASSERT_EQ(report->applied.size(), migrations().size());
    EXPECT_EQ(report->applied[0].version, 1);
    EXPECT_EQ(report->applied[0].name, migrations()[0].name);

    EXPECT_EQ(*schema_version(*connection), migrations().back().version);
    EXPECT_TRUE(table_exists(*connection, "messages"));
    EXPECT_TRUE(table_exists(*connection, "attempts"));
    EXPECT_TRUE(table_exists(*connection, "sender_pauses"));
    EXPECT_GE(scalar(*connection, "SELECT applied_at FROM schema_migrations WHERE version = 1"),
              before);
}

TEST(SqliteMigrations, RunningAgainAppliesNothing) {
    testing::TempDirectory directory;
    {
        auto first = open_connection(directory / "again.db");
        ASSERT_TRUE(migrate(*first));
    }
    auto connection = open_connection(directory / "again.db");
    auto report = migrate(*connection);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_TRUE(report->applied.empty());
    EXPECT_EQ(report->version, migrations().back().version);
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(migrations().size()));
}

TEST(SqliteMigrations, AnAppendedMigrationIsAppliedAlone) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "append.db");
    const Migration first[] = {{1, "one", "CREATE TABLE one (x INTEGER);"}};
    ASSERT_TRUE(migrate(*connection, first));
    ASSERT_TRUE(connection->execute("INSERT INTO one VALUES (7)"));

    const Migration both[] = {first[0], {2, "two", "CREATE TABLE two (y TEXT);"}};
    auto report = migrate(*connection, both);
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_EQ(report->applied.size(), 1u);
    EXPECT_EQ(report->applied[0].version, 2);
    EXPECT_EQ(report->applied[0].name, "two");
    EXPECT_EQ(scalar(*connection, "SELECT x FROM one"), 7) << "version 1 was not run again";
    EXPECT_TRUE(table_exists(*connection, "two"));
}

TEST(SqliteMigrations, AnOutboxFromVersionThreeGetsTheLeaseIndexThatTestsDueTimesAndSenders) {
    testing::TempDirectory directory;
    auto connection = database_at(directory, 3);
    ASSERT_TRUE(connection->execute(
        "INSERT INTO messages (event, status, priority, sender, recipients, subject, message_id, "
        "bytes, created_at, next_attempt_at) VALUES ('welcome', 'queued', 0, 'a@example.com', "
        "'[]', 's', 'm', x'00', 1, 1)"));
    const std::string tested_in_index =
        "SELECT count(*) FROM pragma_index_xinfo('messages_due') WHERE name IN ('status', "
        "'next_attempt_at', 'lease_until', 'sender')";
    EXPECT_EQ(scalar(*connection, tested_in_index), 0);

    ASSERT_NO_FATAL_FAILURE(upgrade_to(*connection, 4));
    EXPECT_EQ(scalar(*connection, tested_in_index), 4);
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM messages INDEXED BY messages_due WHERE "
                     "status IN ('queued', 'retry', 'sending')"),
              1)
        << "the queued row is in the new index";
}

TEST(SqliteMigrations, StripeEventsFromVersionFourAreKeptAndMayBeReceived) {
    testing::TempDirectory directory;
    auto connection = database_at(directory, 4);
    ASSERT_TRUE(connection->execute(
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, message_ids, "
        "payload, claimed_at) VALUES ('evt_1', 'invoice.payment_failed', 1, 'cus_1', "
        "'pending_customer', 'waiting', '[]', x'7b7d', 0)"));
    EXPECT_FALSE(
        connection->execute("UPDATE stripe_events SET status = 'received' WHERE id = 'evt_1'"));

    ASSERT_NO_FATAL_FAILURE(upgrade_to(*connection, 5));
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM stripe_events INDEXED BY stripe_events_pending "
                     "WHERE customer_id = 'cus_1' AND status = 'pending_customer'"),
              1)
        << "the pending event is kept, in its index";
    ASSERT_TRUE(connection->execute(
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, message_ids, "
        "payload, claimed_at) VALUES ('evt_2', 'invoice.payment_failed', 2, '', 'received', '', "
        "'[]', x'', 0)"));
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM stripe_events INDEXED BY stripe_events_received "
                     "WHERE status = 'received'"),
              1);
}

// What SQLite would run for `sql`, one opcode name per step of its program.
std::vector<std::string> opcodes(Connection& connection, const std::string& sql) {
    std::vector<std::string> names;
    auto program = connection.prepare("EXPLAIN " + sql);
    EXPECT_TRUE(program) << program.error().describe();
    for (;;) {
        auto row = program->step();
        EXPECT_TRUE(row) << row.error().describe();
        if (!row || !*row)
            return names;
        names.push_back(program->text(1));
    }
}

TEST(SqliteMigrations, ADatabaseFromVersionFiveKeepsItsMessagesRequestsAndSequences) {
    testing::TempDirectory directory;
    auto connection = database_at(directory, 5);
    ASSERT_TRUE(connection->execute(
        "INSERT INTO messages (event, status, priority, sender, recipients, subject, message_id, "
        "bytes, idempotency_key, created_at, next_attempt_at, attempt_count, last_error) VALUES "
        "('welcome', 'retry', 50, 'a@example.com', '[\"b@example.com\"]', 'Hi', '<m1@x>', "
        "x'48690d0a', 'signup-1', 1, 2, 1, '451 later'), "
        "('welcome', 'sent', 50, 'a@example.com', '[]', 'Hi', '<m2@x>', x'00', NULL, 3, 3, 1, ''),"
        "('welcome', 'queued', 50, 'a@example.com', '[]', 'Gone', '<m3@x>', x'00', NULL, 4, 4, 0, "
        "'');"
        "DELETE FROM messages WHERE message_id = '<m3@x>';"
        "INSERT INTO attempts (message_id, number, started_at, duration_ms, backend, accepted) "
        "VALUES (1, 1, 1, 5, 'smtp', 0), (2, 1, 3, 5, 'smtp', 1);"
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, message_ids, "
        "payload, claimed_at) VALUES ('evt_1', 'invoice.payment_failed', 1, 'cus_1', 'received', "
        "'', '[]', x'7b7d', 0);"
        "INSERT INTO stripe_webhook_requests (received_at, source_ip, headers, body, valid, "
        "reason, event_id, event_type, outcome, message_ids) VALUES (1, '127.0.0.1', "
        "'{\"Stripe-Signature\":\"t=1\"}', x'7b7d', 1, '', 'evt_1', 'invoice.payment_failed', "
        "'received', '[]'), (2, '127.0.0.1', '{}', x'', 0, 'bad', '', '', 'rejected', '[]');"
        "DELETE FROM stripe_webhook_requests WHERE id = 2;"));

    ASSERT_NO_FATAL_FAILURE(upgrade_to(*connection, 6));
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM messages"), 2);
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM attempts"), 2)
        << "dropping the old messages table cascaded to its attempts";
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM messages m JOIN message_bodies b ON b.message_id = m.id "
                     "WHERE m.id = 1 AND b.bytes = x'48690d0a' AND m.status = 'retry' AND "
                     "m.idempotency_key = 'signup-1' AND m.attempt_count = 1 AND "
                     "m.last_error = '451 later'"),
              1);
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM pragma_table_info('messages') "
                     "WHERE name = 'bytes'"),
              0);
    EXPECT_EQ(scalar(*connection, "SELECT seq FROM sqlite_sequence WHERE name = 'messages'"), 3)
        << "AUTOINCREMENT must not give the deleted message's id again";
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM stripe_events WHERE id = 'evt_1'"), 1);
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM stripe_webhook_requests r JOIN "
                     "stripe_webhook_request_contents c ON c.request_id = r.id WHERE r.id = 1 AND "
                     "r.event_id = 'evt_1' AND r.outcome = 'received' AND c.body = x'7b7d' AND "
                     "c.headers = '{\"Stripe-Signature\":\"t=1\"}'"),
              1);
    EXPECT_EQ(scalar(*connection,
                     "SELECT seq FROM sqlite_sequence WHERE name = 'stripe_webhook_requests'"),
              2);
    EXPECT_FALSE(
        connection->execute("UPDATE messages SET idempotency_key = 'signup-1' WHERE id = 2"))
        << "an idempotency key is still unique";
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM messages INDEXED BY "
                     "messages_idempotency_key WHERE idempotency_key IS NOT NULL"),
              1)
        << "the index holds the messages with a key, and only those";
    EXPECT_EQ(scalar(*connection, "PRAGMA foreign_keys"), 1) << "turned on again";
    EXPECT_FALSE(
        connection->execute("INSERT INTO message_bodies (message_id, bytes) VALUES (99, x'00')"))
        << "a body must belong to a message";
    ASSERT_TRUE(connection->execute("DELETE FROM messages WHERE id = 1"));
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM attempts"), 1) << "cascades as before";
    EXPECT_EQ(scalar(*connection, "SELECT count(*) FROM message_bodies"), 1);
    EXPECT_FALSE(connection->execute("UPDATE messages SET status = 'lost' WHERE id = 2"))
        << "the status check still holds";
    EXPECT_FALSE(connection->execute("UPDATE stripe_events SET status = 'lost'"));
}

// A constant IN list of three or more is a temporary b-tree built at every run (migration 6): the
// writes the writer thread makes for every message and Stripe event, and the lease, build none.
TEST(SqliteMigrations, TheWritesOfEveryMessageAndEventBuildNoTemporaryBTree) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "lean.db");
    ASSERT_TRUE(migrate(*connection));
    const std::string writes[] = {
        "INSERT INTO messages (event, status, priority, sender, recipients, subject, message_id, "
        "created_at, next_attempt_at) VALUES ('welcome', 'queued', 0, 'a', '[]', 's', 'm', 1, 1)",
        "UPDATE messages SET status = 'sending', lease_owner = ?2, lease_until = ?3 WHERE id = ?1",
        "UPDATE messages SET status = ?2, attempt_count = ?3, lease_owner = '' WHERE id = ?1",
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, message_ids, "
        "payload, claimed_at) VALUES ('e', 't', 1, '', 'received', '', '[]', x'', 0)",
        "UPDATE stripe_events SET status = ?2, result = ?3 WHERE id = ?1",
        due_messages_query(),
    };
    for (const std::string& sql : writes) {
        const auto program = opcodes(*connection, sql);
        ASSERT_FALSE(program.empty()) << sql;
        EXPECT_EQ(std::ranges::count(program, "OpenEphemeral"), 0) << sql;
    }
}

// /metrics counts the queue at every scrape: each status a range of messages_status, so a million
// sent messages cost a scrape nothing.
TEST(SqliteMigrations, CountingOneStatusSearchesItsRangeOfTheStatusIndex) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "depth.db");
    ASSERT_TRUE(migrate(*connection));
    auto plan = connection->prepare("EXPLAIN QUERY PLAN " + std::string(count_in_status_query));
    ASSERT_TRUE(plan) << plan.error().describe();
    std::vector<std::string> steps;
    for (auto row = plan->step(); row && *row; row = plan->step())
        steps.push_back(plan->text(3));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0], "SEARCH messages USING COVERING INDEX messages_status (status=?)");
}

TEST(SqliteMigrations, AKeyStoredBeforeVersionSevenStaysAReplayWhateverTheRequest) {
    testing::TempDirectory directory;
    auto connection = database_at(directory, 6);
    ASSERT_TRUE(connection->execute(
        "INSERT INTO messages (event, status, priority, sender, recipients, subject, message_id, "
        "idempotency_key, created_at, next_attempt_at) VALUES ('welcome', 'sent', 50, "
        "'a@example.com', '[\"b@example.com\"]', 'Hi', '<m1@x>', 'user-registered:r-1', 1, 1);"
        "INSERT INTO message_bodies (message_id, bytes) VALUES (1, x'4869');"));

    ASSERT_NO_FATAL_FAILURE(upgrade_to(*connection, 7));
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM messages WHERE id = 1 AND "
                     "request_digest IS NULL AND status = 'sent'"),
              1);
    // Nothing says what the old row was asked for: its key is a replay, as before.
    NewMessage again;
    again.event = "welcome";
    again.message.envelope = {"a@example.com", {"b@example.com"}};
    again.message.bytes = "Hi";
    again.idempotency_key = "user-registered:r-1";
    again.request_digest = "any";
    auto enqueued = insert_message(*connection, again, Clock::now());
    ASSERT_TRUE(enqueued) << enqueued.error().describe();
    EXPECT_EQ(enqueued->id, 1);
    EXPECT_FALSE(enqueued->created);
}

TEST(SqliteMigrations, StripeEventsFromBeforeVersionEightWaitForNoUser) {
    testing::TempDirectory directory;
    auto connection = database_at(directory, 7);
    ASSERT_TRUE(connection->execute(
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, message_ids, "
        "payload, claimed_at) VALUES ('evt_1', 'checkout.session.completed', 1, 'cus_1', "
        "'pending_customer', 'waiting', '[]', x'7b7d', 0)"));

    ASSERT_NO_FATAL_FAILURE(upgrade_to(*connection, 8));
    EXPECT_EQ(scalar(*connection,
                     "SELECT count(*) FROM stripe_events WHERE id = 'evt_1' AND "
                     "for_user_id = '' AND for_email = '' AND "
                     "status = 'pending_customer' AND customer_id = 'cus_1'"),
              1)
        << "kept, still waiting for its customer's link";
}

TEST(SqliteMigrations, AFailingMigrationLeavesNothingHalfDone) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "broken.db");
    const Migration list[] = {{1, "one", "CREATE TABLE one (x INTEGER);"},
                              {2, "broken", "CREATE TABLE half (x); CREATE TABLE one (x);"}};
    auto report = migrate(*connection, list);
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("schema migration 2 (broken)"), std::string::npos)
        << report.error().message;
    EXPECT_NE(report.error().message.find("already exists"), std::string::npos)
        << report.error().message;
    EXPECT_EQ(*schema_version(*connection), 1);
    EXPECT_FALSE(table_exists(*connection, "half")) << "the failed migration's transaction";
}

TEST(SqliteMigrations, ADatabaseFromANewerTxmailIsRefused) {
    testing::TempDirectory directory;
    auto connection = open_connection(directory / "newer.db");
    const Migration two[] = {{1, "one", "CREATE TABLE one (x);"},
                             {2, "two", "CREATE TABLE two (x);"}};
    ASSERT_TRUE(migrate(*connection, two));
    auto report = migrate(*connection, std::span(two).first(1));
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, ErrorKind::config);
    EXPECT_NE(report.error().message.find("schema version 2"), std::string::npos)
        << report.error().message;
}

}  // namespace
}  // namespace txmail::outbox::sqlite
