// Group commit: concurrent writers share one transaction, and so one fsync of the WAL, instead of
// paying one each (the technique databases use for their logs).
//
// A caller hands run() its work: a function that writes through the connection. The first caller
// to find no batch in flight becomes the leader: it takes every work item queued so far (up to
// max_batch), runs them in one BEGIN IMMEDIATE transaction, each inside its own savepoint, and
// commits; then it wakes the others and returns. Callers that arrive during a commit queue up and
// go out together in the next one. run() returns only once its work is committed (durable, with
// synchronous=FULL), or with the error that stopped it:
// - a work item that fails is rolled back to its savepoint; only its caller sees the error and
//   the others still commit;
// - a failed BEGIN or COMMIT fails every caller in the batch, and nothing of it is kept.
// Work runs on the leader's thread while its own caller waits, so it may capture by reference.
// max_batch = 1 gives the naive baseline (one transaction and fsync per caller).
//
// Gathering (as PostgreSQL's commit_delay): without it, N steady producers split into two halves
// that take turns, since the callers of one commit are still waking up when the next leader
// starts. So a leader first waits, at most as long as the last commit took (and never over
// max_gather_wait), until as many callers are queued as took part in the last round (its batch
// plus those that queued meanwhile). A lone caller never waits: it was the whole last round.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "txmail/outbox/sqlite/connection.h"

namespace txmail::outbox::sqlite {

class GroupCommit {
  public:
    using Work = std::function<Result<void>(Connection&)>;
    struct Options {
        std::size_t max_batch = 512;  // bounds how long one commit holds the write lock
        std::chrono::microseconds max_gather_wait{2000};
    };

    // `connection` is used only by the current leader; nothing else may write through it.
    GroupCommit(Connection& connection, Options options);

    Result<void> run(const Work& work);

    std::uint64_t transactions() const;  // batches written (committed or failed) so far
    std::size_t waiting() const;         // work items queued for the next batch

  private:
    struct Item {
        const Work* work;
        Result<void> result;
        bool done = false;
    };

    void gather(std::unique_lock<std::mutex>& lock);
    void write_batch(const std::vector<Item*>& batch);
    Result<void> run_work(const Work& work);  // exceptions become errors

    Connection& connection_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable finished_;
    std::condition_variable arrived_;  // a gathering leader waits on it
    std::vector<Item*> queue_;
    bool leader_active_ = false;
    bool leader_gathering_ = false;
    std::size_t last_round_ = 1;  // callers in the last round: what a leader gathers for
    std::chrono::steady_clock::duration last_commit_{};
    std::uint64_t transactions_ = 0;
};

}  // namespace txmail::outbox::sqlite
