// The dispatcher: N worker threads that take due messages from the outbox Store and hand them to
// their own transport::Backend (made once per worker, so its connection is reused across
// messages), then record the attempt and apply the outcome.
//
// Per message: the sender's circuit breaker and rate limiter are asked first (a message that may
// not go now is released untouched, still due); the send's failure is classified (diagnose() +
// sender_failure.h): the sender's fault pauses the sender and keeps the message queued, anything
// else goes through the retry policy. Leases honour priorities (the store leases the highest
// priority first, oldest first within); under a rate limit a worker leases one message at a time,
// so nothing low-priority waits in a worker's hands while a high-priority message arrives.
//
// Waiting: workers sleep on a condition variable until notify() (an enqueue in this process),
// the store's next due time, a rate-limit token, a breaker probe, or at most idle_wait (messages
// queued by another process). stop() lets each worker finish the message in hand, releases the
// rest of its lease, closes its backend and joins. An exception in a worker becomes a transient
// failure of the message in hand; no exception ends a worker.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "txmail/outbox/circuit_breaker.h"
#include "txmail/outbox/dispatcher_stats.h"
#include "txmail/outbox/rate_limiter.h"
#include "txmail/outbox/retry_policy.h"
#include "txmail/outbox/store.h"
#include "txmail/transport/backend.h"

namespace txmail::outbox {

// The dispatcher's clock, injected so that tests control time (outbox::Clock is the type of
// time points the store uses; this is where "now" comes from).
class TimeSource {
  public:
    virtual ~TimeSource() = default;
    virtual TimePoint now() const = 0;
};
const TimeSource& real_time();

struct DispatcherOptions {
    int workers = 2;        // TXMAIL_WORKERS
    std::size_t batch = 8;  // leased at once when not rate limited
    std::chrono::milliseconds lease_for = std::chrono::minutes(2);  // TXMAIL_LEASE
    std::chrono::milliseconds idle_wait = std::chrono::seconds(1);  // TXMAIL_DISPATCH_IDLE
    std::string name;  // worker ids are "<name>/<n>"; empty: "<hostname>:<pid>"
    RetryConfig retry;
    SenderLimits limits;
    BreakerConfig breaker;
};

using BackendFactory = std::function<Result<std::unique_ptr<transport::Backend>>()>;

// What happened to one message, after the store recorded it (metrics, logs, benchmarks).
using AttemptObserver = std::function<void(const StoredMessage&, const Attempt&, const Outcome&)>;

class Dispatcher {
  public:
    Dispatcher(Store& store, BackendFactory backends, DispatcherOptions options,
               const TimeSource& time = real_time(), JitterSource jitter = random_jitter());
    ~Dispatcher();  // stop()
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // Makes every worker's backend (a failure is a start-up error: nothing runs), restores
    // persisted sender pauses, starts the threads. once: each worker exits when nothing it may
    // send is due (`txmail dispatch --once`).
    Result<void> start(bool once = false);
    // New work (an enqueue in this process): wakes idle workers now.
    void notify();
    // New work for `sender`: notify(), unless the sender may not send now (out of tokens, at its
    // limit of sends in flight, or paused). A worker then wakes for its next token, its freed
    // slot or its probe anyway, and one woken before would only walk past the sender's backlog
    // to find nothing to lease: under Microsoft 365's 30 a minute, once for every message queued.
    void notify(std::string_view sender);
    // Asks the workers to stop and returns at once (safe from a signal-watching thread): each
    // finishes the message in hand, releases the rest of its lease and closes its backend.
    void request_stop();
    // request_stop() then wait(). Idempotent.
    void stop();
    // Blocks until every worker has exited (after stop(), or on its own in once mode).
    void wait();
    bool running() const;

    void set_observer(AttemptObserver observer);  // before start()
    const DispatcherStats& stats() const { return stats_; }
    std::vector<SenderBreaker> paused_senders() const { return breaker_.snapshot(); }

  private:
    struct Worker;
    void run(Worker& worker);
    bool lease_and_send(Worker& worker);  // false: nothing could be leased
    // `pacing` (held under a rate limit) is let go once the message has its token, before the
    // send.
    void handle(Worker& worker, const StoredMessage& message, std::unique_lock<std::mutex>& pacing);
    void send(Worker& worker, const StoredMessage& message);
    void release(Worker& worker, const StoredMessage& message, const std::string& why);
    void record(Worker& worker, const StoredMessage& message, const Attempt& attempt,
                const transport::SendResult& sent, const Outcome& outcome);
    // The sender's fault: count it on the breaker; returns when its messages are due again.
    TimePoint hold_sender(const std::string& sender, TimePoint now, const std::string& reason,
                          std::chrono::milliseconds at_least);
    void persist_pause(const std::string& sender);
    void resume(const std::string& sender);
    std::uint64_t generation() const;
    void wake_all();
    void wait_for_work(std::uint64_t seen, TimePoint now, bool excluded_any);
    bool should_stop() const { return stopping_.load(std::memory_order_acquire); }

    Store& store_;
    BackendFactory backends_;
    DispatcherOptions options_;
    const TimeSource& time_;
    JitterSource jitter_;
    RateLimiter limiter_;
    CircuitBreaker breaker_;
    DispatcherStats stats_;
    AttemptObserver observer_;

    std::vector<std::unique_ptr<Worker>> workers_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> active_{0};
    bool once_ = false;
    // Under a rate limit one worker at a time leases and takes a token: two workers leasing at
    // once took the two most urgent messages and raced for the one token, and when the less
    // urgent one won, the urgent one went back to wait for the next token (a password-change
    // mail sent after ticker alerts queued before it).
    std::mutex pacing_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::uint64_t generation_ = 0;  // bumped by notify(); guarded by mutex_
};

}  // namespace txmail::outbox
