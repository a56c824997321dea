// Group commit (sqlite/group_commit.h): callers that arrive while a batch commits go out together
// in one transaction; one caller's failure stays its own; a failed COMMIT fails the whole batch
// and keeps nothing; a lone caller is its own transaction; the next batch is written while the
// last one is synced, and only the callers waiting for a sync see it fail. Timing-free: the first
// batch (or its sync) is held until the others have queued.
#include "txmail/outbox/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "support/temp_directory.h"

namespace txmail::outbox::sqlite {
namespace {

using namespace std::chrono_literals;

class GroupCommitTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = Connection::open(directory / "group.db");
        ASSERT_TRUE(opened) << opened.error().describe();
        connection = std::move(*opened);
        // A deferred foreign key is checked only at COMMIT: the way to make a COMMIT fail.
        ASSERT_TRUE(connection->execute(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
            "CREATE TABLE rows (value TEXT UNIQUE, parent INTEGER REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED);"));
    }

    static GroupCommit::Work insert(std::string value, std::optional<int> parent = std::nullopt) {
        return [value, parent](Connection& c) -> Result<void> {
            auto statement = c.prepare("INSERT INTO rows (value, parent) VALUES (?1, ?2)");
            if (!statement)
                return fail(statement.error());
            statement->bind(1, value);
            if (parent)
                statement->bind(2, std::int64_t{*parent});
            else
                statement->bind_null(2);
            return statement->run();
        };
    }

    std::int64_t count_rows() {
        auto query = connection->prepare("SELECT count(*) FROM rows");
        EXPECT_TRUE(query);
        EXPECT_TRUE(*query->step());
        return query->integer(0);
    }

    // Runs `first` on its own thread and holds its transaction open until `others` callers have
    // queued behind it; returns every caller's result, first's first.
    std::vector<Result<void>> run_behind_a_held_batch(
        GroupCommit& group, const GroupCommit::Work& first,
        const std::vector<GroupCommit::Work>& others) {
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        std::latch leading(1);
        auto held = std::async(std::launch::async, [&] {
            return group.run([&](Connection& c) -> Result<void> {
                leading.count_down();
                released.wait();
                return first(c);
            });
        });
        leading.wait();
        std::vector<std::future<Result<void>>> waiting;
        for (const auto& work : others) {
            waiting.push_back(
                std::async(std::launch::async, [&group, &work] { return group.run(work); }));
            // One at a time, each queued before the next starts, so that the batch runs them in
            // the order given (tests expect, e.g., the first of two equal inserts to win).
            // Waiting on a condition, not on time.
            while (group.waiting() < waiting.size())
                std::this_thread::yield();
        }
        release.set_value();
        std::vector<Result<void>> results{held.get()};
        for (auto& each : waiting)
            results.push_back(each.get());
        return results;
    }

    testing::TempDirectory directory;
    std::unique_ptr<Connection> connection;
};

TEST_F(GroupCommitTest, CallersArrivingDuringACommitShareTheNextTransaction) {
    GroupCommit group(*connection, {});
    std::vector<GroupCommit::Work> others;
    for (int i = 0; i < 8; ++i)
        others.push_back(insert("row " + std::to_string(i)));
    const auto results = run_behind_a_held_batch(group, insert("first"), others);
    for (const auto& result : results)
        EXPECT_TRUE(result) << result.error().describe();
    EXPECT_EQ(count_rows(), 9);
    EXPECT_EQ(group.transactions(), 2u) << "the first batch, then all eight together";
}

TEST_F(GroupCommitTest, MaxBatchOneGivesEachCallerItsOwnTransaction) {
    GroupCommit group(*connection, {.max_batch = 1});
    std::vector<GroupCommit::Work> others;
    for (int i = 0; i < 4; ++i)
        others.push_back(insert("row " + std::to_string(i)));
    const auto results = run_behind_a_held_batch(group, insert("first"), others);
    for (const auto& result : results)
        EXPECT_TRUE(result);
    EXPECT_EQ(group.transactions(), 5u);
}

TEST_F(GroupCommitTest, AFailingCallerIsRolledBackAloneAndOnlyItSeesTheError) {
    GroupCommit group(*connection, {});
    const std::vector<GroupCommit::Work> others = {
        insert("a"),
        [](Connection& c) -> Result<void> {
            // Writes, then fails: its savepoint must take the write back.
            if (auto written = insert("b")(c); !written)
                return written;
            return fail(Error::invalid("value", "refused after writing"));
        },
        insert("a"),  // UNIQUE violation
        insert("c")};
    const auto results = run_behind_a_held_batch(group, insert("first"), others);
    ASSERT_EQ(results.size(), 5u);
    EXPECT_TRUE(results[0]);
    EXPECT_TRUE(results[1]);
    ASSERT_FALSE(results[2]);
    EXPECT_EQ(results[2].error().field, "value");
    ASSERT_FALSE(results[3]);
    EXPECT_NE(results[3].error().message.find("UNIQUE"), std::string::npos)
        << results[3].error().message;
    EXPECT_TRUE(results[4]);
    EXPECT_EQ(count_rows(), 3) << "first, a, c";
    EXPECT_EQ(group.transactions(), 2u);
}

TEST_F(GroupCommitTest, AFailedCommitFailsEveryCallerInTheBatchAndKeepsNothing) {
    GroupCommit group(*connection, {});
    const std::vector<GroupCommit::Work> others = {insert("a"), insert("orphan", 404), insert("b")};
    const auto results = run_behind_a_held_batch(group, insert("first"), others);
    EXPECT_TRUE(results[0]) << "committed in the first batch";
    for (std::size_t i = 1; i < results.size(); ++i) {
        ASSERT_FALSE(results[i]) << i;
        EXPECT_NE(results[i].error().message.find("FOREIGN KEY"), std::string::npos)
            << results[i].error().message;
    }
    EXPECT_EQ(count_rows(), 1);
    ASSERT_TRUE(group.run(insert("after"))) << "the connection is usable again";
    EXPECT_EQ(count_rows(), 2);
}

TEST_F(GroupCommitTest, ALoneCallerThatFailsAfterWritingKeepsNothing) {
    GroupCommit group(*connection, {});
    auto result = group.run([](Connection& c) -> Result<void> {
        if (auto written = insert("lone")(c); !written)
            return written;
        return fail(Error::invalid("value", "refused after writing"));
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "value");
    EXPECT_EQ(count_rows(), 0);
    EXPECT_TRUE(group.run(insert("next")));
    EXPECT_EQ(count_rows(), 1);
}

TEST_F(GroupCommitTest, AnExceptionInWorkBecomesThatCallersError) {
    GroupCommit group(*connection, {});
    auto result = group.run([](Connection&) -> Result<void> { throw std::runtime_error("boom"); });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::internal);
    EXPECT_NE(result.error().message.find("boom"), std::string::npos);
    EXPECT_TRUE(group.run(insert("fine")));
    EXPECT_EQ(count_rows(), 1);
}

// A sync the test holds until it lets go; `begun` counts the syncs started.
struct HeldSync {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> begun{0};

    std::function<Result<void>()> function() {
        return [this]() -> Result<void> {
            begun.fetch_add(1);
            begun.notify_all();
            released.wait();
            return {};
        };
    }
};

// What arrives while a sync runs waits for it to end, then goes out in one transaction: fewer,
// larger transactions write fewer WAL frames (group_commit.h).
TEST_F(GroupCommitTest, CallersArrivingDuringASyncShareTheNextTransaction) {
    HeldSync held;
    GroupCommit group(*connection, {.sync = held.function()});
    auto first = std::async(std::launch::async, [&] { return group.run(insert("first")); });
    held.begun.wait(0);  // committed; its sync has begun and is held
    std::vector<std::future<Result<void>>> others;
    for (const char* value : {"a", "b", "c"})
        others.push_back(std::async(std::launch::async, [&group, value] {
            return group.run(insert(value), GroupCommit::Await::committed);
        }));
    // Until all three wait, or one is written (a failure, seen below, rather than a hang).
    while (group.waiting() < 3 && group.transactions() == 1)
        std::this_thread::yield();
    EXPECT_EQ(group.waiting(), 3u) << "queued behind the sync, not written";
    EXPECT_EQ(count_rows(), 1);
    held.release.set_value();
    EXPECT_TRUE(first.get());
    for (auto& other : others)
        EXPECT_TRUE(other.get());
    EXPECT_EQ(count_rows(), 4);
    EXPECT_EQ(group.transactions(), 2u) << "the three callers share one transaction";
}

// A full batch does not wait: under a load the writer cannot batch any further, it writes the
// next batch while the last one is being synced, and a caller waiting only for the commit is
// answered before that sync ends.
TEST_F(GroupCommitTest, AFullBatchIsWrittenWhileTheLastOneIsBeingSynced) {
    HeldSync held;
    GroupCommit group(*connection, {.max_batch = 2, .sync = held.function()});
    auto first = std::async(std::launch::async, [&] { return group.run(insert("first")); });
    held.begun.wait(0);
    auto a = std::async(std::launch::async,
                        [&] { return group.run(insert("a"), GroupCommit::Await::committed); });
    auto b = std::async(std::launch::async,
                        [&] { return group.run(insert("b"), GroupCommit::Await::committed); });
    // The deadline only turns a batch held behind the sync into a failure, not a hang.
    const bool answered_while_syncing = a.wait_for(30s) == std::future_status::ready &&
                                        b.wait_for(30s) == std::future_status::ready;
    EXPECT_TRUE(answered_while_syncing)
        << "written and answered while the first batch is still syncing";
    EXPECT_EQ(count_rows(), 3);
    EXPECT_EQ(held.begun.load(), 1);
    EXPECT_EQ(first.wait_for(0s), std::future_status::timeout)
        << "a durable caller is not answered before its sync ends";
    held.release.set_value();
    EXPECT_TRUE(first.get());
    EXPECT_TRUE(a.get());
    EXPECT_TRUE(b.get());
}

// submit() returns before the work is written; its callback gets the result once the sync that
// makes it durable has ended, and the caller's thread is free meanwhile.
TEST_F(GroupCommitTest, SubmittedWorkIsAnsweredThroughItsCallbackOnceDurable) {
    HeldSync held;
    GroupCommit group(*connection, {.sync = held.function()});
    std::promise<Result<void>> answer;
    auto answered = answer.get_future();
    group.submit(insert("submitted"), GroupCommit::Await::durable,
                 [&answer](Result<void> result) { answer.set_value(std::move(result)); });
    held.begun.wait(0);  // written and committed; its sync has begun and is held
    EXPECT_EQ(count_rows(), 1);
    EXPECT_EQ(answered.wait_for(0s), std::future_status::timeout)
        << "not answered before its sync ends";
    held.release.set_value();
    EXPECT_TRUE(answered.get());

    std::promise<Result<void>> refusal;
    auto refused = refusal.get_future();
    group.submit(insert("submitted"), GroupCommit::Await::durable,  // the value is UNIQUE
                 [&refusal](Result<void> result) { refusal.set_value(std::move(result)); });
    auto error = refused.get();
    ASSERT_FALSE(error);
    EXPECT_NE(error.error().message.find("UNIQUE"), std::string::npos) << error.error().message;
    EXPECT_EQ(count_rows(), 1);
}

// The upkeep between batches (the Checkpointer's copy, with its two fsyncs) runs once a batch is
// handed to the syncer: that batch's callers are answered while it runs, the next batch waits.
TEST_F(GroupCommitTest, TheUpkeepBetweenBatchesHoldsTheNextBatchNotTheLastOnesAnswer) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> upkeeps = 0;
    GroupCommit group(*connection, {.between_batches = [&] {
        if (upkeeps++ == 0)
            released.wait();
    }});
    auto first = std::async(std::launch::async, [&] { return group.run(insert("first")); });
    // The deadline only turns an answer held behind the upkeep into a failure, not a hang.
    const bool answered_while_held = first.wait_for(30s) == std::future_status::ready;
    EXPECT_TRUE(answered_while_held) << "a durable caller answered while the upkeep is held";
    while (upkeeps.load() == 0)
        std::this_thread::yield();
    auto second = std::async(std::launch::async, [&] { return group.run(insert("second")); });
    while (group.waiting() < 1)  // queued behind the upkeep, not written
        std::this_thread::yield();
    EXPECT_EQ(count_rows(), 1);
    release.set_value();
    EXPECT_TRUE(first.get());
    EXPECT_TRUE(second.get());
    EXPECT_EQ(count_rows(), 2);
    while (upkeeps.load() < 2)  // the second batch's, which its answer does not wait for
        std::this_thread::yield();
    EXPECT_EQ(upkeeps.load(), 2) << "once after each batch";
}

TEST_F(GroupCommitTest, WithoutPipelinedSyncEachBatchIsSyncedBeforeTheNextIsWritten) {
    HeldSync held;
    GroupCommit group(*connection,
                      {.max_batch = 1, .pipelined_sync = false, .sync = held.function()});
    auto first = std::async(std::launch::async, [&] { return group.run(insert("first")); });
    held.begun.wait(0);
    auto second = std::async(std::launch::async, [&] {
        return group.run(insert("second"), GroupCommit::Await::committed);
    });
    while (group.waiting() < 1)  // queued behind the sync, not written
        std::this_thread::yield();
    EXPECT_EQ(count_rows(), 1);
    held.release.set_value();
    EXPECT_TRUE(first.get());
    EXPECT_TRUE(second.get());
    EXPECT_EQ(count_rows(), 2);
    EXPECT_EQ(held.begun.load(), 2) << "one sync per transaction";
}

TEST_F(GroupCommitTest, AFailedSyncFailsTheCallersWaitingForItAndSaysSo) {
    GroupCommit group(*connection, {.sync = []() -> Result<void> {
        return fail(
            Error::internal("fsync of the write-ahead log group.db-wal failed: Input/output "
                            "error"));
    }});
    auto durable = group.run(insert("a"));
    ASSERT_FALSE(durable);
    EXPECT_NE(durable.error().message.find("Input/output error"), std::string::npos);
    EXPECT_TRUE(group.run(insert("b"), GroupCommit::Await::committed))
        << "a caller that waits only for the commit is answered before the sync";
    EXPECT_EQ(count_rows(), 2) << "the rows are committed, though not known to be durable";
}

// A slow disk shows in what the observer is told: each sync's own duration, failed ones too, in
// both modes. Each sync here spins until the clock has moved a set time, so the lower bound is
// the clock's, not a sleep's.
TEST_F(GroupCommitTest, TheSyncObserverIsToldHowLongEachSyncTookFailedOnesToo) {
    for (const bool pipelined : {true, false}) {
        SCOPED_TRACE(pipelined ? "pipelined sync" : "sync on the writer");
        std::atomic<int> syncs = 0;
        // Before the group commit, so that they outlive its threads.
        std::vector<double> told;  // the syncer (or the writer) adds, the test reads
        std::mutex told_mutex;
        GroupCommit group(*connection, {.pipelined_sync = pipelined, .sync = [&]() -> Result<void> {
                                            const auto until =
                                                std::chrono::steady_clock::now() + 3ms;
                                            while (std::chrono::steady_clock::now() < until) {
                                            }
                                            if (++syncs == 2)
                                                return fail(Error::internal("fsync failed"));
                                            return {};
                                        }});
        group.observe_syncs([&](std::chrono::duration<double> took) {
            std::lock_guard lock(told_mutex);
            told.push_back(took.count());
        });
        EXPECT_TRUE(group.run(insert(pipelined ? "p1" : "w1")));
        EXPECT_FALSE(group.run(insert(pipelined ? "p2" : "w2")));
        std::lock_guard lock(told_mutex);
        ASSERT_EQ(told.size(), 2U) << "one report per sync, the failed one included";
        for (double seconds : told) {
            EXPECT_GE(seconds, 0.003);
            EXPECT_LT(seconds, 10.0);
        }
    }
}

}  // namespace
}  // namespace txmail::outbox::sqlite
