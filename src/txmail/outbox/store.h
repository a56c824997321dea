// The outbox store: durable rows for rendered messages and their attempts (Postfix's queue
// manager keeps storage apart from scheduling policy; so do we: this interface only stores and
// leases, outbox/retry_policy.h decides, outbox/dispatcher.h drives).
//
// States: queued -> sending (leased by one worker until lease_until) -> sent | retry (due again at
// next_attempt_at) | dead | canceled. A lease that expires (the worker died) makes the message due
// again. enqueue() returns only once the row is durable (SQLite: synchronous=FULL, commits shared
// between concurrent callers). An idempotency key seen before returns the first message's id and
// stores nothing, unless both requests carry a request digest and the two differ: then the key
// was reused for another request, and enqueue fails (is_key_reused) rather than drop the second
// message unsaid. Implementations: sqlite/ (default), memory (tests), postgres/ (scale-out).
//
// Decisions the implementations share (outbox/lifecycle.h): times are kept to the millisecond; a
// lease that expires does not count as an attempt (none was recorded) but notes "lease expired"
// in last_error; "oldest first" means created_at, then id.
//
// Added by the store engineer after the first contract (dispatch: please use these):
// - SenderPause + pause_sender/resume_sender/sender_pauses: the circuit breaker's pauses are
//   stored, so `txmail outbox stats`, the admin page and other instances see them.
// - Stats::paused_senders; next_due() also counts expiring leases.
// - migrate_database(url) for `txmail migrate` (open_store migrates as well).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "txmail/mail/mime_writer.h"
#include "txmail/notify/priority.h"
#include "txmail/util/error.h"

namespace txmail::outbox {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using MessageId = std::int64_t;

enum class Status { queued, sending, sent, retry, dead, canceled };
std::string_view to_string(Status status);
std::optional<Status> parse_status(std::string_view text);

// Higher sends first; events default to these (notify's catalogue), callers may override.
namespace priority = notify::priority;

struct NewMessage {
    std::string event;  // catalogue name, or "raw" for `txmail send`
    mail::RenderedMessage message;
    int priority = priority::normal;
    std::optional<std::string> idempotency_key;
    // What was asked for under the key (the HTTP API: a digest of the request's body), kept with
    // the row. None (the Stripe worker, `txmail enqueue`): the key alone decides, as it does
    // against a row stored without one.
    std::optional<std::string> request_digest;
    std::optional<TimePoint> not_before;  // default: due now
};

struct Enqueued {
    MessageId id = 0;
    bool created = true;  // false: the idempotency key was seen before; nothing was stored
};

// The message stored under an idempotency key, and the digest of the request that stored it.
struct KeyedMessage {
    MessageId id = 0;
    std::optional<std::string> request_digest;
};

struct Attempt {
    int number = 0;
    TimePoint started_at{};
    // The backend call. Stores keep whole milliseconds (attempts.duration_ms); the dispatcher's
    // observer (txmail_send_duration_seconds) gets it finer: a 1.9 ms send is not a 1 ms one.
    std::chrono::microseconds duration{};
    std::string backend;
    bool accepted = false;
    std::optional<Error> error;  // when not accepted
    std::string detail;          // the server's reply on success
    std::string diagnosis;       // cause + remediation when the reply was recognised

    // `duration` as the stores keep it and the JSON and CLI show it: whole milliseconds.
    std::chrono::milliseconds stored_duration() const {
        return std::chrono::floor<std::chrono::milliseconds>(duration);
    }
};

struct StoredMessage {
    MessageId id = 0;
    std::string event;
    Status status = Status::queued;
    int priority = priority::normal;
    mail::RenderedMessage message;
    std::optional<std::string> idempotency_key;
    TimePoint created_at{};
    TimePoint next_attempt_at{};
    std::optional<TimePoint> lease_until;
    std::string lease_owner;
    int attempt_count = 0;
    std::optional<Attempt> last_attempt;
    std::string last_error;  // describe() of the last failure, or the reason it is dead/canceled
};

// What to do with a message after an attempt (decided by the retry policy, applied by the store).
struct Outcome {
    enum class Kind { sent, retry, dead, release } kind = Kind::sent;
    TimePoint next_attempt_at{};  // for retry (and release: when it is due again)
    std::string reason;           // for dead / retry: human sentence
};

struct ListFilter {
    std::optional<Status> status;
    std::optional<std::string> event;
    std::optional<std::string> recipient;
    std::optional<MessageId> after_id;  // cursor: ids greater than this, ascending
    std::size_t limit = 50;
};

// A sender paused by the dispatcher's circuit breaker (DESIGN.md: Exchange Online blocks a
// mailbox that keeps producing the same error), until the next probe.
struct SenderPause {
    std::string sender;  // envelope sender addr-spec
    TimePoint until{};   // probe again from then; the store does not expire pauses by itself
    std::string reason;  // the diagnosis, for operators
};

struct Stats {
    std::vector<std::pair<Status, std::int64_t>> by_status;  // every status, in enum order
    std::optional<TimePoint> oldest_queued;  // oldest created_at among queued, retry, sending
    std::vector<SenderPause> paused_senders;
};

class Store {
  public:
    virtual ~Store() = default;

    // Durable when it returns. enqueue_batch is one transaction (fan-out: all or nothing).
    virtual Result<Enqueued> enqueue(const NewMessage& message) = 0;
    using EnqueueDone = std::function<void(Result<Enqueued>)>;
    // What enqueue_async() waits for before it answers.
    enum class Wait {
        durable,  // the row survives a power cut
        // The row survives a crash of the process; a power cut before the file's next sync may
        // lose it. For a caller whose own next write on the same file waits for the disk (the
        // Stripe webhook's event store), which then covers this row too: one wait for the disk
        // instead of two.
        committed,
    };
    // enqueue() without holding the calling thread through the commit: `done` gets its result
    // once the row is as safe as `wait` says, on whichever thread finished the commit (SQLite:
    // the group commit's), or on this one before it returns. By default, it is enqueue() (which
    // is durable) then `done`.
    virtual void enqueue_async(NewMessage message, Wait /*wait*/, EnqueueDone done) {
        done(enqueue(message));
    }
    virtual Result<std::vector<Enqueued>> enqueue_batch(std::span<const NewMessage> messages) = 0;

    // Leases up to `max` due messages (status queued/retry with next_attempt_at <= now, or sending
    // with an expired lease), highest priority first, oldest first within a priority, skipping
    // senders in `paused_senders` (envelope sender addr-specs). Leased rows become `sending`.
    virtual Result<std::vector<StoredMessage>> lease_due(
        const std::string& worker, TimePoint now, std::chrono::milliseconds lease_for,
        std::size_t max, const std::set<std::string>& paused_senders = {}) = 0;

    // Records the attempt (if any) and applies the outcome, only if `worker` still holds the lease
    // (status sending, lease_owner == worker; an expired lease nobody took yet still counts).
    // Otherwise nothing changes and the error names the id, its state and the lease owner.
    // release puts the message back (queued, or retry when it has attempts); a zero
    // next_attempt_at (retry/release) keeps the time it was due at.
    virtual Result<void> complete(MessageId id, const std::string& worker,
                                  const std::optional<Attempt>& attempt,
                                  const Outcome& outcome) = 0;

    virtual Result<std::optional<StoredMessage>> get(MessageId id) = 0;
    // What enqueue() would find under `key`, for a caller that must know before it writes
    // anything else (a replayed registration must not update the contact first).
    virtual Result<std::optional<KeyedMessage>> find_by_idempotency_key(const std::string& key) = 0;
    virtual Result<std::vector<Attempt>> attempts(MessageId id) = 0;
    virtual Result<std::vector<StoredMessage>> list(const ListFilter& filter) = 0;
    virtual Result<Stats> stats() = 0;
    // How many messages are in each of `statuses`, in their order, each counted apart: the cost
    // is the number counted, so /metrics asks for every status but `sent`, which holds every
    // message ever delivered (stats() counts it too: 0.1 s at a million, in SQLite).
    virtual Result<std::vector<std::pair<Status, std::int64_t>>> count(
        std::span<const Status> statuses) = 0;
    // Whether the store answers, without reading its messages: /readyz asks at every probe,
    // where stats() counts every message ever stored (0.1 s at a million, in SQLite).
    virtual Result<void> ping() = 0;
    // Operator actions: retry makes a dead/retry/canceled message due now; cancel stops a
    // queued/retry one. Errors name the id and its current state when the action does not apply.
    virtual Result<void> retry(MessageId id, TimePoint now) = 0;
    virtual Result<void> cancel(MessageId id, const std::string& reason) = 0;
    // Retention: deletes the finished messages (sent, dead, canceled) created before
    // `created_before`, with their bytes and attempts, oldest first, and says how many. Waiting
    // and leased messages stay, however old. The walk ends at the first message created since
    // the cutoff: ids grow with creation, so what follows is newer, and a purge costs what it
    // deletes, not the size of the outbox. A message's idempotency key goes with it: the same
    // key sent again after the purge queues a new message. Once `stop` is requested it ends
    // between two transactions and says what it deleted so far (a shutdown must not wait for a
    // first purge of a large backlog).
    virtual Result<std::int64_t> purge_finished(TimePoint created_before, std::stop_token stop) = 0;
    // The earliest next_attempt_at among waiting messages (and lease_until among leased ones:
    // an expiring lease makes a message due), so the dispatcher can sleep until then.
    virtual Result<std::optional<TimePoint>> next_due() = 0;

    // Circuit-breaker pauses: pause_sender inserts or replaces the sender's pause.
    virtual Result<void> pause_sender(const SenderPause& pause) = 0;
    virtual Result<void> resume_sender(const std::string& sender) = 0;
    virtual Result<std::vector<SenderPause>> sender_pauses() = 0;

    // How long each sync of the store's log to disk took, for a store that has one (SQLite: an
    // fdatasync of the WAL, which every durable answer waits for); the others ignore it. Called on
    // the store's own thread while it holds a lock: it must be quick (a histogram's observe).
    using SyncObserver = std::function<void(std::chrono::duration<double>)>;
    virtual void observe_syncs(SyncObserver /*observer*/) {}
};

struct SchemaChange {
    int version = 0;
    std::string name;
};

struct MigrationReport {
    int version = 0;                    // the schema version after migrating
    std::vector<SchemaChange> applied;  // empty when the database was already current
};

// TXMAIL_DATABASE_URL (sqlite:///rel.db, sqlite:////abs.db, postgresql://..., memory://) -> store,
// migrated to the current schema.
Result<std::unique_ptr<Store>> open_store(const std::string& database_url);
// Brings the database to the current schema and says what it applied (`txmail migrate`).
Result<MigrationReport> migrate_database(const std::string& database_url);

}  // namespace txmail::outbox
