// Checkpoints the one writer's WAL mostly on a thread and connection of their own, so that
// copying the WAL into the database stalls the commits queued behind the writer less.
//
// Why: SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 frames, on the writer
// thread every write of the process waits behind. At the HTTP benchmark's 5,500 requests a second
// that was a stall of 4 – 7 ms every ~21 ms, where the answers' tail was (docs/benchmarks.md). The
// writer still copies the last frames, and a checkpoint's two fsyncs are most of its cost, so this
// halves the writer's time in checkpoints rather than ending it.
//
// Why not simply on another thread: a checkpoint copies what was committed before it began, and
// SQLite starts the WAL again from its first frame only once a checkpoint has copied all of it.
// With the writer committing all along, one running beside it never catches up, the WAL grows
// into new blocks of the file, and each fdatasync of the WAL then writes the file system's
// metadata as well (the p99 went to 46 – 104 ms when tried). So the copying goes in rounds: past
// `start_at` frames the thread copies what is there while the writer goes on; again, while what
// the writer added meanwhile is more than `finish_at`; then the writer copies that last little
// (a PASSIVE checkpoint of its own, after its next COMMIT), which leaves the whole WAL copied,
// and SQLite starts it again at the writer's next transaction, as after its own checkpoint.
//
// The writer's part runs in copy_if_due(), which the group commit calls once a committed batch
// is handed to the syncer, not inside the COMMIT (where SQLite's WAL hook runs): the batch that
// took the WAL past a threshold is then answered after its sync as any other, instead of after the
// writer's copy and its two fsyncs as well.
//
// Each checkpoint copies only what no reader still needs, as SQLite's own does; a WAL held back
// by a long reader is copied at a later round. Past `hold_at` frames (the disk slow, the thread's
// round long) the writer waits for the round and copies the rest itself, as SQLite would: that
// bounds the WAL, and the blocks it grows into are reused from then on. A checkpoint on the
// thread that fails leaves it to the writer, at start_at, until one of the writer's succeeds.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "txmail/outbox/sqlite/connection.h"

namespace txmail::outbox::sqlite {

class Checkpointer {
  public:
    struct Options {
        int start_at = 1000;  // SQLite's own threshold (PRAGMA wal_autocheckpoint)
        int finish_at = 100;  // frames left after a round that the writer copies itself
        int hold_at = 2000;   // frames past which the writer waits for the thread's round
        // The thread's checkpoint; empty: Connection::checkpoint(). Tests hold it or make it fail.
        std::function<Result<Connection::CheckpointProgress>(Connection&)> round;
    };

    // Hooks itself onto `writer`'s commits, before any thread commits through it; `own` is a
    // connection to the same file that only this checkpointer's thread uses.
    Checkpointer(Connection& writer, std::unique_ptr<Connection> own, Options options);
    Checkpointer(Connection& writer, std::unique_ptr<Connection> own)
        : Checkpointer(writer, std::move(own), Options{}) {}
    ~Checkpointer();  // after the writer's last commit: the thread's round, if any, ends first
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    struct Counts {
        std::uint64_t on_thread = 0;  // checkpoints this checkpointer's thread ran
        std::uint64_t by_writer = 0;  // checkpoints inside the writer's commits
        std::uint64_t holds = 0;      // times the writer waited for the thread past hold_at
    };
    Counts counts() const;

    // On the writer's thread, after its commits and before its next transaction: copies the last
    // frames, waits for the thread's round past hold_at, or starts a round, as the WAL's size at
    // the last commit asks. Nothing when nothing was committed since the last call.
    void copy_if_due();

  private:
    enum class State {
        idle,     // below start_at, or the writer has just copied the rest
        copying,  // the thread is copying
        copied,   // the thread has copied up to `backfilled_`
        failed,   // the thread's last checkpoint failed: the writer checkpoints as SQLite would
    };

    void after_commit(int frames);  // in the writer's COMMIT: only notes the WAL's size
    void copy_loop();

    Connection& writer_;
    std::unique_ptr<Connection> own_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable round_due_;   // the thread waits on it
    std::condition_variable round_done_;  // the writer waits on it past hold_at
    State state_ = State::idle;
    int backfilled_ = 0;
    int frames_ = 0;          // the WAL's size at the writer's last commit
    bool committed_ = false;  // since the last copy_if_due()
    bool stopping_ = false;
    Counts counts_;
    std::thread thread_;
};

}  // namespace txmail::outbox::sqlite
