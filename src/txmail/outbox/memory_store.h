// The in-memory Store (as Django's locmem backend keeps an outbox list): one process, nothing
// durable, thread-safe behind one mutex. The dispatcher's tests run on it, so it applies the same
// lifecycle rules as SQLite (outbox/lifecycle.h) and passes the same contract suite
// (tests/unit/test_outbox_store_contract.cpp). `memory://` opens one.
#pragma once

#include <map>
#include <mutex>

#include "txmail/outbox/store.h"

namespace txmail::outbox {

class MemoryStore : public Store {
  public:
    Result<Enqueued> enqueue(const NewMessage& message) override;
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
    Result<void> ping() override { return {}; }
    Result<void> retry(MessageId id, TimePoint now) override;
    Result<void> cancel(MessageId id, const std::string& reason) override;
    Result<std::int64_t> purge_finished(TimePoint created_before, std::stop_token stop) override;
    Result<std::optional<TimePoint>> next_due() override;
    Result<void> pause_sender(const SenderPause& pause) override;
    Result<void> resume_sender(const std::string& sender) override;
    Result<std::vector<SenderPause>> sender_pauses() override;

  private:
    struct Row {
        StoredMessage message;  // last_attempt is filled on the way out
        std::vector<Attempt> attempts;
    };

    // mutex_ held. What enqueue_batch() must refuse before it stores anything: a key stored, or
    // stored earlier in the batch, for another request.
    Result<void> check_keys(std::span<const NewMessage> messages) const;
    Enqueued insert(const NewMessage& message, TimePoint now);  // mutex_ held
    static StoredMessage snapshot(const Row& row);

    std::mutex mutex_;
    std::map<MessageId, Row> rows_;
    std::map<std::string, KeyedMessage, std::less<>> by_idempotency_key_;
    std::map<std::string, SenderPause, std::less<>> pauses_;
    MessageId next_id_ = 1;
};

}  // namespace txmail::outbox
