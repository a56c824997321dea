// Group commit: concurrent writers share one transaction, and so one fsync of the WAL, instead of
// paying one each (the technique databases use for their logs).
//
// A caller hands run() its work: a function that writes through the connection. One writer
// thread takes every work item queued so far (up to max_batch), runs them in one BEGIN IMMEDIATE
// transaction, each inside its own savepoint, and commits; while it does, new callers queue up
// and go out together in the next batch. run() returns only once its work is committed and
// synced (it survives a power cut), or with the error that stopped it:
// - a work item that fails is rolled back to its savepoint; only its caller sees the error and
//   the others still commit;
// - a failed BEGIN or COMMIT fails every caller in the batch, and nothing of it is kept;
// - a failed fsync fails every caller in the batches it was to make durable: their rows are
//   committed, but whether they would survive a power cut is unknown.
// Work runs on the writer thread while its caller waits, so it may capture by reference.
// submit() is run() without the wait: the caller's thread goes on, and the outcome is handed to a
// callback on the group commit's own threads (an HTTP handler thread is then free for the next
// request instead of sleeping through the commit: two context switches fewer a request).
// max_batch = 1 without pipelined_sync gives the naive baseline (one transaction and fsync per
// caller).
//
// Pipelined sync: the fsync is the longest part of a commit, and SQLite holds its write lock
// through it when synchronous=FULL. So the connection commits with synchronous=NORMAL (open it
// with durable_commits = false; FULL works too, at the cost of a second sync) and a second
// thread syncs the WAL once COMMIT has returned, while the writer gathers the next batch (below).
// A batch is answered only after a sync that began after its COMMIT, which covers every frame
// written before it. Other connections can read a committed batch before its sync ends (the
// dispatcher may send a message whose enqueue is still being synced); a power cut in that window
// loses a row whose caller was never answered: a retry, never a silent loss.
//
// No batch begins while a sync runs (unless max_batch items wait): what arrives meanwhile goes
// out together. Every commit writes again the pages all its transactions touch (page 1, the
// rightmost leaf of each table and index it appends to), so fewer, larger transactions write
// fewer WAL frames; writing at once instead gave ~2 items a transaction under the HTTP
// benchmark's load, and the writer spent 242 µs a webhook where it now spends 187
// (docs/benchmarks.md, "Fewer, larger transactions"). A durable caller's wait grows only by its
// batch's write, which no longer overlaps the sync before it; a committed-only caller (a lease,
// an outcome) now waits for the sync in flight. Durable enqueues alone, 16 callers at a time,
// lost ~7% of their rate for it (bench/run-outbox-enqueue.sh).
//
// Why dedicated threads rather than a leader chosen among the callers: on two busy cores, handing
// the write lock from one caller thread to the next cost as long again as writing a batch (the
// next leader waits to be scheduled), and a leader that also synced held its own caller back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/wal_file.h"

namespace txmail::outbox::sqlite {

class GroupCommit {
  public:
    using Work = std::function<Result<void>(Connection&)>;
    using Done = std::function<void(Result<void>)>;
    // What run() waits for before it returns.
    enum class Await {
        durable,    // committed and synced: it survives a power cut
        committed,  // committed: it survives a crash of the process; the sync that follows at
                    // once (or the next durable caller's) makes it survive a power cut too
    };
    struct Options {
        std::size_t max_batch = 512;  // bounds how long one commit holds the write lock
        // false: the writer syncs each batch itself before it writes the next (with
        // max_batch = 1, the naive baseline: one transaction and one fsync per caller).
        bool pipelined_sync = true;
        // Run on the writer's thread after each committed batch, once the batch is handed to the
        // syncer (or synced, without pipelined_sync) and before the next BEGIN: upkeep of the
        // connection that no caller should wait for (the Checkpointer's copy).
        std::function<void()> between_batches;
        // How a committed batch is made durable; empty: fdatasync of the connection's WAL.
        // Tests hold it or make it fail to watch the pipeline.
        std::function<Result<void>()> sync;
    };

    // `connection` is used only by the writer thread from here on; nothing else may write
    // through it while the GroupCommit lives.
    GroupCommit(Connection& connection, Options options);
    ~GroupCommit();  // writes and syncs what is queued, then stops its threads
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    Result<void> run(const Work& work, Await await = Await::durable);
    // Queues `work` (it must own what it uses) and returns at once; `done` gets what run() would
    // have returned, on the writer's or the syncer's thread: it must be quick, and must not call
    // run() (it would wait for the thread it runs on).
    void submit(Work work, Await await, Done done);

    // Told how long each sync took (an fdatasync of the WAL, or Options::sync), failed ones too:
    // a durable caller waits for one at least, so a slow disk shows here before anywhere else
    // (/metrics, txmail_store_sync_duration_seconds). Called with the group commit's lock held,
    // on its syncer's thread (or its writer's, without pipelined_sync): it must be quick and must
    // not call into the group commit. Replaces the observer set before.
    using SyncObserver = std::function<void(std::chrono::duration<double>)>;
    void observe_syncs(SyncObserver observer);

    std::uint64_t transactions() const;  // batches written (committed or failed) so far
    std::size_t waiting() const;         // work items queued for the next batch

  private:
    struct Item {
        const Work* work;
        Await await;
        Work owned_work;     // submit()'s, which `work` then points to
        Done done_callback;  // submit()'s; run() waits on `finished` instead
        Result<void> result;
        bool done = false;
        std::condition_variable finished;  // its caller alone waits on it
    };
    using Batch = std::vector<std::shared_ptr<Item>>;

    void enqueue(std::shared_ptr<Item> item, std::unique_lock<std::mutex>& lock);
    void write_loop();
    void sync_loop();
    bool write_batch(const Batch& batch);     // true: committed, the WAL needs a sync
    Result<void> run_work(const Work& work);  // exceptions become errors
    // A failed sync fails every caller in the batch; returns how long it took.
    std::chrono::steady_clock::duration sync(const Batch& batch);
    void observe_sync(std::chrono::steady_clock::duration took);  // with the lock held
    void finish(const Batch& batch, std::unique_lock<std::mutex>& lock);
    void between_batches(std::unique_lock<std::mutex>& lock);  // options_.between_batches, if any
    static void answer(Item& item);                            // a submitted item's callback

    Connection& connection_;
    WalFile wal_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable work_queued_;  // the writer waits on it
    std::condition_variable committed_;    // the syncer waits on it
    Batch queue_;
    Batch unsynced_;         // committed, their callers waiting for the next sync
    bool sync_due_ = false;  // a batch committed since the last sync began
    bool writer_idle_ = false;
    bool syncing_ = false;
    bool writer_waits_for_sync_ = false;  // work queued, held back until the sync in flight ends
    bool stopping_ = false;
    bool writer_done_ = false;  // the syncer stops once it has synced what is left
    std::uint64_t transactions_ = 0;
    SyncObserver sync_observer_;
    std::thread writer_;
    std::thread syncer_;
};

}  // namespace txmail::outbox::sqlite
