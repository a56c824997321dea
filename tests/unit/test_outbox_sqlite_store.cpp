// What only the SQLite store has to show beyond the contract suite: many threads enqueueing at
// once through group commit, several store instances (as several processes) on one file, and
// rows that outlive the store that wrote them.
#include "txmail/outbox/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/rendered_messages.h"
#include "support/temp_directory.h"

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

TEST(SqliteStore, AnUnwritableFileIsAnErrorNamingIt) {
    testing::TempDirectory directory;
    auto store = SqliteStore::open(directory / "missing-directory" / "outbox.db");
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message.find("missing-directory/outbox.db"), std::string::npos)
        << store.error().message;
}

}  // namespace
}  // namespace txmail::outbox::sqlite
