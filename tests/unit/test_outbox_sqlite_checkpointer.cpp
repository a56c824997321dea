// Checkpointer (sqlite/checkpointer.h): past start_at frames its thread copies the WAL while the
// writer goes on; it copies again while the writer added more than finish_at meanwhile; the
// writer copies the last little after its next commit (copy_if_due(), which the group commit
// calls between batches and these tests after each commit), and the commit after it starts the
// WAL again from its beginning, every row kept; a reader's snapshot is never copied over; past
// hold_at the writer waits for the thread's round; a failed round leaves the checkpoints to the
// writer until one of its own succeeds. Timing-free: the test thread is the writer, and waits for
// the checkpointer's thread to have finished a round (or holds the round) before it commits
// again.
#include "txmail/outbox/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "support/temp_directory.h"

namespace txmail::outbox::sqlite {
namespace {

class CheckpointerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = Connection::open(directory / "wal.db", {.durable_commits = false});
        ASSERT_TRUE(opened) << opened.error().describe();
        writer = std::move(*opened);
        ASSERT_TRUE(writer->execute("CREATE TABLE t (x BLOB)"));
        // The table's creation leaves a few frames in the WAL; copied here, they start the
        // counts below at a WAL that SQLite starts again from its beginning.
        ASSERT_TRUE(writer->checkpoint());
        start({});
    }

    // A checkpointer with the thresholds small enough for a few commits to pass them.
    void start(std::function<Result<Connection::CheckpointProgress>(Connection&)> round) {
        checkpointer.reset();
        auto own = Connection::open(directory / "wal.db");
        ASSERT_TRUE(own) << own.error().describe();
        checkpointer.emplace(
            *writer, std::move(*own),
            Checkpointer::Options{
                .start_at = 20, .finish_at = 8, .hold_at = 60, .round = std::move(round)});
    }

    // One commit of `rows` rows of 12,000 bytes: two overflow pages and a leaf each (ten rows
    // write 32 frames). Then what the group commit does between batches.
    void commit(int rows) {
        ASSERT_TRUE(writer->execute(
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
            std::to_string(rows) + ") INSERT INTO t SELECT randomblob(12000) FROM n"));
        checkpointer->copy_if_due();
    }
    // One commit of a row of one byte: a leaf and page 1, at most finish_at.
    void commit_a_little() {
        ASSERT_TRUE(writer->execute("INSERT INTO t VALUES (x'00')"));
        checkpointer->copy_if_due();
    }

    // Waits on a condition, not on time; the deadline only turns a bug into a failure instead
    // of a test that never ends.
    bool rounds_on_thread_reach(std::uint64_t rounds) {
        return eventually([&] { return checkpointer->counts().on_thread >= rounds; });
    }
    static bool eventually(const std::function<bool()>& condition) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!condition())
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            else
                std::this_thread::yield();
        return true;
    }

    // After a first round that left more than finish_at: the next commit has the thread copy
    // again, the one after it copies the rest itself, and the WAL starts again (3 commits).
    void a_second_round_then_the_writer_copies_the_rest() {
        commit_a_little();
        ASSERT_TRUE(rounds_on_thread_reach(2));
        EXPECT_EQ(checkpointer->counts().by_writer, 0u);
        commit_a_little();
        EXPECT_EQ(checkpointer->counts().by_writer, 1u);
        commit_a_little();
        EXPECT_LE(frames_in_wal(), 3) << "the WAL started again from its beginning";
    }

    // The WAL's size in frames, as a connection of its own sees it.
    int frames_in_wal() {
        auto other = Connection::open(directory / "wal.db");
        EXPECT_TRUE(other);
        auto progress = (*other)->checkpoint();
        EXPECT_TRUE(progress) << progress.error().describe();
        return progress ? progress->frames : -1;
    }

    std::int64_t rows() {
        auto other = Connection::open(directory / "wal.db");
        EXPECT_TRUE(other);
        auto count = (*other)->prepare("SELECT count(*) FROM t");
        EXPECT_TRUE(count);
        EXPECT_TRUE(*count->step());
        return count->integer(0);
    }

    testing::TempDirectory directory;
    std::unique_ptr<Connection> writer;
    std::optional<Checkpointer> checkpointer;
};

TEST_F(CheckpointerTest, TheCommitOnlyNotesTheWalsSizeAndTheCopyWaitsForCopyIfDue) {
    ASSERT_TRUE(writer->execute(
        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
        "INSERT INTO t SELECT randomblob(12000) FROM n"));  // past start_at, inside the COMMIT
    checkpointer->copy_if_due();
    ASSERT_TRUE(rounds_on_thread_reach(1)) << "copy_if_due() started the round";
    ASSERT_TRUE(writer->execute("INSERT INTO t VALUES (x'00')"));
    EXPECT_EQ(checkpointer->counts().by_writer, 0u) << "nothing copied inside the COMMIT";
    checkpointer->copy_if_due();
    EXPECT_EQ(checkpointer->counts().by_writer, 1u);
    checkpointer->copy_if_due();
    EXPECT_EQ(checkpointer->counts().by_writer, 1u) << "no commit since: nothing to do";
}

TEST_F(CheckpointerTest, BelowStartAtNothingIsCopied) {
    commit(1);
    commit(1);
    EXPECT_EQ(checkpointer->counts().on_thread, 0u);
    EXPECT_EQ(checkpointer->counts().by_writer, 0u);
}

TEST_F(CheckpointerTest, TheThreadCopiesTheWalAndTheWriterTheRestThenTheWalStartsAgain) {
    commit(10);  // 32 frames: past start_at
    ASSERT_TRUE(rounds_on_thread_reach(1));
    EXPECT_EQ(checkpointer->counts().by_writer, 0u) << "the writer left the copying to the thread";

    commit_a_little();  // what the writer added since the round: within finish_at
    EXPECT_EQ(checkpointer->counts().by_writer, 1u) << "the writer copied the last little";
    EXPECT_EQ(checkpointer->counts().on_thread, 1u);

    commit_a_little();  // the whole WAL copied: SQLite starts it again with this commit
    EXPECT_LE(frames_in_wal(), 3) << "the WAL started again from its beginning";
    EXPECT_EQ(rows(), 12);
}

TEST_F(CheckpointerTest, TheThreadCopiesAgainWhileTheWriterAddedMoreThanFinishAt) {
    // What a round beside a busy writer finds at its end: frames committed after those it
    // copies. A reader's snapshot stops this round's copy where the writer was before them
    // (a round that copied everything would let SQLite start the WAL again at the next commit).
    std::promise<void> go;
    std::shared_future<void> going = go.get_future().share();
    std::atomic<int> rounds = 0;
    start([&](Connection& own) {
        if (rounds++ == 0)
            going.wait();
        return own.checkpoint();
    });
    commit(10);  // past start_at: the round starts, and is held
    auto reader = Connection::open(directory / "wal.db");
    ASSERT_TRUE(reader);
    {
        auto snapshot = (*reader)->prepare("SELECT count(*) FROM t");
        ASSERT_TRUE(snapshot);
        ASSERT_TRUE(*snapshot->step());
        commit(5);  // ~15 frames behind the snapshot: more than finish_at
        go.set_value();
        ASSERT_TRUE(rounds_on_thread_reach(1));
    }

    a_second_round_then_the_writer_copies_the_rest();
    EXPECT_EQ(rows(), 18);
}

TEST_F(CheckpointerTest, WhatAReaderStillNeedsIsCopiedOnceItIsDone) {
    auto reader = Connection::open(directory / "wal.db");
    ASSERT_TRUE(reader);
    {
        auto snapshot = (*reader)->prepare("SELECT count(*) FROM t");
        ASSERT_TRUE(snapshot);
        ASSERT_TRUE(*snapshot->step()) << "the read holds a snapshot of the empty table";

        commit(10);
        ASSERT_TRUE(rounds_on_thread_reach(1));  // it copies nothing the snapshot needs
        EXPECT_EQ(snapshot->integer(0), 0);
    }  // the statement is reset: the snapshot is let go

    // Had the round copied the WAL, the writer would now copy the rest itself; all of it is left,
    // more than finish_at, so the thread copies again.
    a_second_round_then_the_writer_copies_the_rest();
    EXPECT_EQ(rows(), 13);
}

TEST_F(CheckpointerTest, PastHoldAtTheWriterWaitsForTheRoundThenCopiesTheRest) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    start([released](Connection& own) {
        released.wait();
        return own.checkpoint();
    });
    commit(10);  // past start_at: the round starts, and is held
    auto releaser = std::async(std::launch::async, [&] {
        const bool writer_waits = eventually([&] { return checkpointer->counts().holds == 1; });
        release.set_value();
        return writer_waits;
    });
    commit(15);  // past hold_at while the round is held: this commit waits for it
    ASSERT_TRUE(releaser.get()) << "the writer waited for the round";
    EXPECT_EQ(checkpointer->counts().on_thread, 1u);
    EXPECT_EQ(checkpointer->counts().by_writer, 1u) << "then copied what was left itself";

    commit_a_little();
    EXPECT_LE(frames_in_wal(), 3);
    EXPECT_EQ(rows(), 26);
}

TEST_F(CheckpointerTest, AFailedRoundLeavesTheCheckpointsToTheWriterUntilOneOfItsOwnSucceeds) {
    std::atomic<int> rounds = 0;
    start([&rounds](Connection& own) -> Result<Connection::CheckpointProgress> {
        if (rounds++ == 0)
            return fail(Error::internal("the disk is full"));
        return own.checkpoint();
    });
    commit(10);
    ASSERT_TRUE(rounds_on_thread_reach(1));
    commit_a_little();  // past start_at, the round failed: the writer copies it all
    EXPECT_EQ(checkpointer->counts().by_writer, 1u);
    commit_a_little();
    EXPECT_LE(frames_in_wal(), 3);

    commit(10);  // the writer's checkpoint succeeded: the thread copies again
    ASSERT_TRUE(rounds_on_thread_reach(2));
    commit_a_little();
    EXPECT_EQ(checkpointer->counts().by_writer, 2u);
    commit_a_little();
    EXPECT_LE(frames_in_wal(), 3);
    EXPECT_EQ(rows(), 24);
}

}  // namespace
}  // namespace txmail::outbox::sqlite
