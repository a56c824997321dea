// What only the SQLite store has to show beyond the contract suite: many threads enqueueing at
// once through group commit, several store instances (as several processes) on one file, and
// rows that outlive the store that wrote them, and a purge in batches that stops at its cutoff.
#include "txmail/outbox/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/rendered_messages.h"
#include "support/temp_directory.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/oldest_rows_purge.h"

namespace txmail::outbox::sqlite {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<SqliteStore> open_store_at(const std::filesystem::path& path) {
    auto store = SqliteStore::open(path);
    if (!store)
        throw std::runtime_error(store.error().describe());
    return std::move(*store);
}

NewMessage message_named(const std::string& name) {
    NewMessage message;
    message.event = "welcome";
    message.message = testing::rendered_message(name);
    return message;
}

TEST(SqliteStore, SixteenThreadsEnqueueingAtOnceGetDistinctReadableIds) {
    testing::TempDirectory directory;
    auto store = open_store_at(directory / "outbox.db");
    constexpr int threads = 16;
    constexpr int each = 200;
    std::vector<std::vector<MessageId>> ids(threads);
    std::vector<std::string> errors(threads);
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t)
        producers.emplace_back([&, t] {
            for (int i = 0; i < each; ++i) {
                auto enqueued =
                    store->enqueue(message_named(std::to_string(t) + "-" + std::to_string(i)));
                if (!enqueued) {
                    errors[t] = enqueued.error().describe();
                    return;
                }
                ids[t].push_back(enqueued->id);
            }
        });
    for (auto& producer : producers)
        producer.join();

    std::set<MessageId> distinct;
    for (int t = 0; t < threads; ++t) {
        EXPECT_EQ(errors[t], "") << "thread " << t;
        distinct.insert(ids[t].begin(), ids[t].end());
    }
    ASSERT_EQ(distinct.size(), static_cast<std::size_t>(threads * each));
    for (int t = 0; t < threads; ++t)
        for (int i = 0; i < each; i += 37) {
            auto found = store->get(ids[t][static_cast<std::size_t>(i)]);
            ASSERT_TRUE(found && *found);
            EXPECT_EQ((*found)->message.subject,
                      "Subject " + std::to_string(t) + "-" + std::to_string(i));
        }
    auto stats = store->stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->by_status[0].second, threads * each);
    std::cout << "[          ] " << threads * each << " enqueues in " << store->transactions()
              << " transactions\n";
}

TEST(SqliteStore, RowsAndIdempotencyKeysOutliveTheStoreThatWroteThem) {
    testing::TempDirectory directory;
    NewMessage keyed = message_named("keyed");
    keyed.idempotency_key = "evt_1";
    MessageId id = 0;
    {
        auto store = open_store_at(directory / "outbox.db");
        id = store->enqueue(keyed)->id;
    }
    auto reopened = open_store_at(directory / "outbox.db");
    auto found = reopened->get(id);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->message.bytes, keyed.message.bytes);
    auto again = reopened->enqueue(keyed);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, id);
    EXPECT_FALSE(again->created);
}

TEST(SqliteStore, TwoInstancesOnOneFileNeverLeaseTheSameMessage) {
    testing::TempDirectory directory;
    auto first = open_store_at(directory / "outbox.db");
    // Other group-commit options give the second a writer of its own, as another process has:
    // the two then contend for SQLite's write lock.
    auto opened = SqliteStore::open(directory / "outbox.db", {.max_batch = 64});
    ASSERT_TRUE(opened) << opened.error().describe();
    auto second = std::move(*opened);
    constexpr int messages = 300;
    for (int i = 0; i < messages; ++i)
        ASSERT_TRUE(first->enqueue(message_named(std::to_string(i))));

    const TimePoint now = Clock::now() + 1s;
    std::vector<MessageId> leased[2];
    std::string errors[2];
    auto drain = [&](Store& store, int index) {
        const std::string worker = "instance-" + std::to_string(index);
        for (;;) {
            auto batch = store.lease_due(worker, now, 10min, 7, {});
            if (!batch) {
                errors[index] = batch.error().describe();
                return;
            }
            if (batch->empty())
                return;
            for (const auto& m : *batch)
                leased[index].push_back(m.id);
        }
    };
    std::thread a(drain, std::ref(*first), 0);
    std::thread b(drain, std::ref(*second), 1);
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    std::set<MessageId> distinct(leased[0].begin(), leased[0].end());
    distinct.insert(leased[1].begin(), leased[1].end());
    EXPECT_EQ(leased[0].size() + leased[1].size(), static_cast<std::size_t>(messages))
        << "no message leased twice";
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(messages));
}

TEST(SqliteStore, StoresOnOneFileInOneProcessShareOneWriter) {
    testing::TempDirectory directory;
    auto first = open_store_at(directory / "outbox.db");
    auto second = open_store_at(directory / "." / "outbox.db");  // another spelling of the file
    ASSERT_TRUE(first->enqueue(message_named("a")));
    const auto before = second->transactions();
    EXPECT_EQ(before, first->transactions());
    ASSERT_TRUE(second->enqueue(message_named("b")));
    EXPECT_EQ(first->transactions(), before + 1) << "one group commit wrote both";
}

std::int64_t scalar(Connection& connection, const std::string& sql) {
    auto query = connection.prepare(sql);
    if (!query)
        throw std::runtime_error(query.error().describe());
    auto row = query->step();
    if (!row || !*row)
        throw std::runtime_error("no row from " + sql);
    return query->integer(0);
}

TEST(SqliteStore, PurgeDeletesInBatchesAndStopsAtTheFirstMessageSinceItsCutoff) {
    testing::TempDirectory directory;
    auto store = open_store_at(directory / "outbox.db");
    const std::size_t old_count = 2 * purge_batch + purge_batch / 2;
    const std::vector<NewMessage> old(old_count, message_named("old"));
    auto old_ids = store->enqueue_batch(old);
    ASSERT_TRUE(old_ids) << old_ids.error().describe();
    const MessageId waiting = (*old_ids)[purge_batch + 99].id;
    auto raw = Connection::open(directory / "outbox.db");
    ASSERT_TRUE(raw) << raw.error().describe();
    // Delivered with an attempt each, as the dispatcher leaves them, but one still waiting.
    ASSERT_TRUE((*raw)->execute(
        "INSERT INTO attempts (message_id, number, started_at, duration_ms, backend, accepted) "
        "SELECT id, 1, created_at, 3, 'smtp', 1 FROM messages; "
        "UPDATE messages SET status = 'sent', attempt_count = 1 WHERE id <> " +
        std::to_string(waiting)));
    // Waiting on the clock itself, not on another thread: the next message is created after the
    // cutoff.
    const TimePoint cutoff = truncate_to_ms(Clock::now()) + 1ms;
    while (Clock::now() < cutoff) {
    }
    auto newer = store->enqueue(message_named("new"));
    ASSERT_TRUE(newer);
    ASSERT_TRUE((*raw)->execute("UPDATE messages SET status = 'sent' WHERE id = " +
                                std::to_string(newer->id)));

    const auto transactions_before = store->transactions();
    auto purged = store->purge_finished(cutoff, {});
    ASSERT_TRUE(purged) << purged.error().describe();
    EXPECT_EQ(*purged, static_cast<std::int64_t>(old_count - 1));
    EXPECT_EQ(store->transactions() - transactions_before, 3u)
        << "two whole batches, then the last half batch and the first message past the cutoff";
    EXPECT_EQ(scalar(**raw, "SELECT count(*) FROM messages"), 2);
    EXPECT_EQ(scalar(**raw, "SELECT count(*) FROM messages WHERE id = " + std::to_string(waiting) +
                                " OR id = " + std::to_string(newer->id)),
              2)
        << "the waiting message and the one past the cutoff stay";
    EXPECT_EQ(scalar(**raw, "SELECT count(*) FROM message_bodies"), 2) << "bytes go with them";
    EXPECT_EQ(scalar(**raw, "SELECT count(*) FROM attempts"), 1) << "only the waiting one's";

    auto again = store->purge_finished(cutoff, {});
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0);
}

TEST(SqliteStore, APurgeAskedToStopEndsAfterTheBatchInHand) {
    testing::TempDirectory directory;
    auto store = open_store_at(directory / "outbox.db");
    const std::vector<NewMessage> old(2 * purge_batch, message_named("old"));
    ASSERT_TRUE(store->enqueue_batch(old));
    auto raw = Connection::open(directory / "outbox.db");
    ASSERT_TRUE(raw) << raw.error().describe();
    ASSERT_TRUE((*raw)->execute("UPDATE messages SET status = 'sent'"));

    std::stop_source stop;
    stop.request_stop();
    auto purged = store->purge_finished(Clock::now() + 1h, stop.get_token());
    ASSERT_TRUE(purged) << purged.error().describe();
    EXPECT_EQ(*purged, static_cast<std::int64_t>(purge_batch));
    EXPECT_EQ(scalar(**raw, "SELECT count(*) FROM messages"),
              static_cast<std::int64_t>(purge_batch));
    EXPECT_EQ(store->purge_finished(Clock::now() + 1h, {}).value(),
              static_cast<std::int64_t>(purge_batch))
        << "the next purge goes on from the oldest left";
}

TEST(SqliteStore, AnUnwritableFileIsAnErrorNamingIt) {
    testing::TempDirectory directory;
    auto store = SqliteStore::open(directory / "missing-directory" / "outbox.db");
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message.find("missing-directory/outbox.db"), std::string::npos)
        << store.error().message;
}

}  // namespace
}  // namespace txmail::outbox::sqlite
