#include "txmail/outbox/sqlite/group_commit.h"

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

#include "txmail/util/thread_name.h"

namespace txmail::outbox::sqlite {

namespace {

Result<void> run_statement(Connection& connection, std::string_view sql) {
    auto statement = connection.prepare(sql);
    if (!statement)
        return fail(statement.error());
    return statement->run();
}

}  // namespace

GroupCommit::GroupCommit(Connection& connection, Options options)
    : connection_(connection), wal_(connection.wal_path()), options_(options) {
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    writer_ = named_thread("sqlite-writer", [this] { write_loop(); });
    syncer_ = named_thread("sqlite-syncer", [this] { sync_loop(); });
}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_queued_.notify_one();
    writer_.join();  // the writer empties the queue before it stops, then tells the syncer
    syncer_.join();
}

Result<void> GroupCommit::run(const Work& work, Await await) {
    auto item = std::make_shared<Item>();
    item->work = &work;
    item->await = await;
    std::unique_lock lock(mutex_);
    enqueue(item, lock);
    item->finished.wait(lock, [&] { return item->done; });
    return std::move(item->result);
}

void GroupCommit::submit(Work work, Await await, Done done) {
    auto item = std::make_shared<Item>();
    item->owned_work = std::move(work);
    item->work = &item->owned_work;
    item->await = await;
    item->done_callback = std::move(done);
    std::unique_lock lock(mutex_);
    enqueue(std::move(item), lock);
}

void GroupCommit::enqueue(std::shared_ptr<Item> item, std::unique_lock<std::mutex>&) {
    queue_.push_back(std::move(item));
    // A busy writer takes the queue when it is done: waking it costs a system call for nothing.
    if (writer_idle_ || (writer_waits_for_sync_ && queue_.size() == options_.max_batch))
        work_queued_.notify_one();
}

void GroupCommit::write_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        writer_idle_ = true;
        work_queued_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        writer_idle_ = false;
        if (options_.pipelined_sync && syncing_ && !stopping_) {
            writer_waits_for_sync_ = true;
            work_queued_.wait(lock, [&] {
                return !syncing_ || queue_.size() >= options_.max_batch || stopping_;
            });
            writer_waits_for_sync_ = false;
        }
        if (queue_.empty()) {
            writer_done_ = true;  // stopping, and nothing left to write
            committed_.notify_one();
            return;
        }
        const auto take = std::min(queue_.size(), options_.max_batch);
        Batch batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        lock.unlock();
        const bool committed = write_batch(batch);
        lock.lock();
        ++transactions_;
        if (!committed) {
            finish(batch, lock);  // nothing of it is kept: no sync to wait for
            continue;
        }
        if (!options_.pipelined_sync) {
            lock.unlock();
            const auto took = sync(batch);
            lock.lock();
            observe_sync(took);
            finish(batch, lock);
            between_batches(lock);
            continue;
        }
        Batch answered_now;
        for (auto& item : batch)
            (item->await == Await::committed ? answered_now : unsynced_).push_back(item);
        // Synced even when nobody waits for it, so that a committed-only write is durable a
        // moment later, as the Await says. The syncer syncs even a lone batch: syncing it here
        // instead saved a lone caller ~0.15 ms, but in an A/B run of the HTTP benchmark the
        // webhook's p99 went from 30 to 64 ms, the writer stalling behind the disk while
        // callers queued.
        sync_due_ = true;
        committed_.notify_one();
        if (!answered_now.empty())
            finish(answered_now, lock);
        between_batches(lock);
    }
}

void GroupCommit::between_batches(std::unique_lock<std::mutex>& lock) {
    if (!options_.between_batches)
        return;
    lock.unlock();
    options_.between_batches();
    lock.lock();
}

void GroupCommit::sync_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        committed_.wait(lock, [&] { return sync_due_ || writer_done_; });
        if (!sync_due_)
            return;
        sync_due_ = false;
        // Every batch here committed before this sync begins, so the one sync covers them all.
        Batch batch = std::move(unsynced_);
        unsynced_.clear();
        syncing_ = true;
        lock.unlock();
        const auto took = sync(batch);
        lock.lock();
        syncing_ = false;
        observe_sync(took);
        if (writer_waits_for_sync_)
            work_queued_.notify_one();
        finish(batch, lock);
    }
}

std::chrono::steady_clock::duration GroupCommit::sync(const Batch& batch) {
    const auto started = std::chrono::steady_clock::now();
    if (auto synced = options_.sync ? options_.sync() : wal_.sync(); !synced)
        for (const auto& item : batch)
            if (item->result)
                item->result = fail(synced.error());
    return std::chrono::steady_clock::now() - started;
}

void GroupCommit::observe_syncs(SyncObserver observer) {
    std::lock_guard lock(mutex_);
    sync_observer_ = std::move(observer);
}

void GroupCommit::observe_sync(std::chrono::steady_clock::duration took) {
    if (sync_observer_)
        sync_observer_(std::chrono::duration<double>(took));
}

// Marks the batch done and wakes each waiting caller, or hands a submitted item its result. The
// shared_ptrs keep every item alive until its notify, even if its caller has seen `done` and
// returned meanwhile.
void GroupCommit::finish(const Batch& batch, std::unique_lock<std::mutex>& lock) {
    for (const auto& item : batch)
        item->done = true;
    lock.unlock();
    for (const auto& item : batch) {
        if (item->done_callback)
            answer(*item);
        else
            item->finished.notify_one();
    }
    lock.lock();
}

// A callback that throws is a bug in its caller; it must not end the writer or the syncer.
void GroupCommit::answer(Item& item) {
    try {
        item.done_callback(std::move(item.result));
    } catch (const std::exception& e) {
        spdlog::error("outbox: a commit's callback failed: {}", e.what());
    } catch (...) {
        spdlog::error("outbox: a commit's callback failed with an unknown exception");
    }
}

Result<void> GroupCommit::run_work(const Work& work) {
    try {
        return work(connection_);
    } catch (const std::exception& e) {
        return fail(Error::internal(std::string("outbox write failed: ") + e.what()));
    } catch (...) {
        return fail(Error::internal("outbox write failed with an unknown exception"));
    }
}

bool GroupCommit::write_batch(const Batch& batch) {
    auto fail_all = [&](const Error& error) {
        for (const auto& item : batch)
            if (item->result)
                item->result = fail(error);
    };
    if (auto begun = run_statement(connection_, "BEGIN IMMEDIATE"); !begun) {
        fail_all(begun.error());
        return false;
    }
    // A lone item needs no savepoint: the transaction is one.
    const bool alone = batch.size() == 1;
    for (const auto& item : batch) {
        if (auto saved = alone ? Result<void>{} : run_statement(connection_, "SAVEPOINT work");
            !saved) {
            (void)run_statement(connection_, "ROLLBACK");
            fail_all(saved.error());
            return false;
        }
        item->result = run_work(*item->work);
        if (alone) {
            if (!item->result) {
                (void)run_statement(connection_, "ROLLBACK");
                return false;
            }
            continue;
        }
        Result<void> closed = item->result ? run_statement(connection_, "RELEASE work")
                                           : run_statement(connection_, "ROLLBACK TO work");
        if (closed && !item->result)
            closed = run_statement(connection_, "RELEASE work");
        if (!closed) {
            // The transaction is in an unknown state: give it all up.
            (void)run_statement(connection_, "ROLLBACK");
            fail_all(closed.error());
            return false;
        }
    }
    if (auto committed = run_statement(connection_, "COMMIT"); !committed) {
        (void)run_statement(connection_, "ROLLBACK");
        fail_all(committed.error());
        return false;
    }
    return true;
}

std::uint64_t GroupCommit::transactions() const {
    std::lock_guard lock(mutex_);
    return transactions_;
}

std::size_t GroupCommit::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

}  // namespace txmail::outbox::sqlite
