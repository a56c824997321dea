#include "txmail/outbox/sqlite/group_commit.h"

#include <algorithm>
#include <exception>

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
    : connection_(connection), options_(options) {
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
}

Result<void> GroupCommit::run(const Work& work) {
    Item item{&work, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&item);
    if (leader_gathering_ && queue_.size() >= last_round_)
        arrived_.notify_one();
    while (!item.done) {
        if (leader_active_) {
            finished_.wait(lock);
            continue;
        }
        // Lead one batch: the oldest queued items, which include ours unless the queue is longer
        // than max_batch (then we lead again, or a later leader takes ours).
        leader_active_ = true;
        gather(lock);
        const auto take = std::min(queue_.size(), options_.max_batch);
        std::vector<Item*> batch(queue_.begin(),
                                 queue_.begin() + static_cast<std::ptrdiff_t>(take));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        lock.unlock();
        const auto started = std::chrono::steady_clock::now();
        write_batch(batch);
        const auto took = std::chrono::steady_clock::now() - started;
        lock.lock();
        for (Item* done : batch)
            done->done = true;
        ++transactions_;
        last_commit_ = took;
        last_round_ = std::min(batch.size() + queue_.size(), options_.max_batch);
        leader_active_ = false;
        finished_.notify_all();
    }
    return std::move(item.result);
}

void GroupCommit::gather(std::unique_lock<std::mutex>& lock) {
    if (queue_.size() >= last_round_)
        return;
    const auto wait =
        std::min<std::chrono::steady_clock::duration>(last_commit_, options_.max_gather_wait);
    leader_gathering_ = true;
    arrived_.wait_for(lock, wait, [&] { return queue_.size() >= last_round_; });
    leader_gathering_ = false;
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

void GroupCommit::write_batch(const std::vector<Item*>& batch) {
    auto fail_all = [&](const Error& error) {
        for (Item* item : batch)
            if (item->result)
                item->result = fail(error);
    };
    if (auto begun = run_statement(connection_, "BEGIN IMMEDIATE"); !begun) {
        fail_all(begun.error());
        return;
    }
    // A lone item needs no savepoint: the transaction is one.
    const bool alone = batch.size() == 1;
    for (Item* item : batch) {
        if (auto saved = alone ? Result<void>{} : run_statement(connection_, "SAVEPOINT work");
            !saved) {
            (void)run_statement(connection_, "ROLLBACK");
            fail_all(saved.error());
            return;
        }
        item->result = run_work(*item->work);
        if (alone) {
            if (!item->result) {
                (void)run_statement(connection_, "ROLLBACK");
                return;
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
            return;
        }
    }
    if (auto committed = run_statement(connection_, "COMMIT"); !committed) {
        (void)run_statement(connection_, "ROLLBACK");
        fail_all(committed.error());
    }
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
