// The SQLite Store, txmail's default outbox: one file, WAL, every commit synced before it is
// answered (by the group commit, which syncs the WAL itself).
//
// Every write (enqueue, lease, complete, operator actions, pauses) goes through the file's one
// writer in this process by way of group commit (shared_writer.h, group_commit.h), so concurrent
// callers share transactions and fsyncs; reads use a second connection and see the last commit (WAL
// snapshot). Writers take the lock with BEGIN IMMEDIATE and wait up to the busy timeout, so several
// processes (a CLI beside `txmail serve`) can use one file; lease_due reads and updates in one such
// transaction, so two processes never lease the same row.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/shared_writer.h"
#include "txmail/outbox/store.h"

namespace txmail::outbox::sqlite {

struct SqliteOptions {
    bool group_commit = true;  // false: one transaction and fsync per write, in turn (benchmark
                               // baseline)
    std::size_t max_batch = 512;
    std::chrono::milliseconds busy_timeout{30'000};
};

class SqliteStore final : public Store {
  public:
    // Opens or creates the file (its directory must exist) and migrates it to the current schema.
    static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path,
                                                     const SqliteOptions& options);
    static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path) {
        return open(path, SqliteOptions{});
    }

    Result<Enqueued> enqueue(const NewMessage& message) override;
    void enqueue_async(NewMessage message, Wait wait, EnqueueDone done) override;
    Result<std::vector<Enqueued>> enqueue_batch(std::span<const NewMessage> messages) override;
    Result<std::vector<StoredMessage>> lease_due(const std::string& worker, TimePoint now,
                                                 std::chrono::milliseconds lease_for,
                                                 std::size_t max,
                                                 const std::set<std::string>& paused) override;
    Result<void> complete(MessageId id, const std::string& worker,
                          const std::optional<Attempt>& attempt, const Outcome& outcome) override;
    Result<std::optional<StoredMessage>> get(MessageId id) override;
    Result<std::optional<KeyedMessage>> find_by_idempotency_key(const std::string& key) override;
    Result<std::vector<Attempt>> attempts(MessageId id) override;
    Result<std::vector<StoredMessage>> list(const ListFilter& filter) override;
    Result<Stats> stats() override;
    Result<std::vector<std::pair<Status, std::int64_t>>> count(
        std::span<const Status> statuses) override;
    Result<void> ping() override;
    Result<void> retry(MessageId id, TimePoint now) override;
    Result<void> cancel(MessageId id, const std::string& reason) override;
    // In transactions of at most purge_batch messages (oldest_rows_purge.h).
    Result<std::int64_t> purge_finished(TimePoint created_before, std::stop_token stop) override;
    Result<std::optional<TimePoint>> next_due() override;
    Result<void> pause_sender(const SenderPause& pause) override;
    Result<void> resume_sender(const std::string& sender) override;
    Result<std::vector<SenderPause>> sender_pauses() override;
    // The file's writer is shared (shared_writer.h): its syncs cover the other stores' writes on
    // the file too, the Stripe ledger's and the contacts'.
    void observe_syncs(SyncObserver observer) override {
        commits_.observe_syncs(std::move(observer));
    }

    std::uint64_t transactions() const { return commits_.transactions(); }  // for the benchmark

  private:
    explicit SqliteStore(StoreFile file);

    static GroupCommit::Work insert_work(const NewMessage& message, Enqueued& row);

    std::shared_ptr<SharedWriter> writer_;
    GroupCommit& commits_;
    std::mutex reader_mutex_;
    std::unique_ptr<Connection> reader_;
};

}  // namespace txmail::outbox::sqlite
