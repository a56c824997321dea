#include "txmail/outbox/dispatcher.h"

#include <unistd.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "txmail/microsoft365/diagnosis_text.h"
#include "txmail/outbox/dispatch_log.h"
#include "txmail/outbox/sender_failure.h"
#include "txmail/util/thread_name.h"

namespace txmail::outbox {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Change = CircuitBreaker::Change;

class RealTime final : public TimeSource {
  public:
    TimePoint now() const override { return Clock::now(); }
};

std::string default_name() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    return std::string(host[0] ? host : "localhost") + ":" + std::to_string(getpid());
}

// A backend must not throw (backend.h); if one does anyway, the message in hand fails
// transiently instead of the worker dying.
transport::SendResult call_backend(transport::Backend& backend,
                                   const mail::RenderedMessage& message) {
    try {
        auto results = backend.send_messages(std::span(&message, 1));
        if (results.empty())
            return fail(Error::internal("the " + std::string(backend.name()) +
                                        " backend returned no result"));
        return std::move(results.front());
    } catch (const std::exception& e) {
        return fail(Error::transient("the " + std::string(backend.name()) +
                                     " backend failed: " + e.what()));
    } catch (...) {
        return fail(Error::transient("the " + std::string(backend.name()) + " backend failed"));
    }
}

std::string failure_text(const Error& error,
                         const std::optional<microsoft365::Diagnosis>& diagnosis) {
    std::string text = error.describe();
    if (diagnosis)
        text += " -- " + microsoft365::format_diagnosis_line(*diagnosis);
    return text;
}

}  // namespace

const TimeSource& real_time() {
    static const RealTime time;
    return time;
}

struct Dispatcher::Worker {
    std::string id;
    std::unique_ptr<transport::Backend> backend;
    std::thread thread;
};

Dispatcher::Dispatcher(Store& store, BackendFactory backends, DispatcherOptions options,
                       const TimeSource& time, JitterSource jitter)
    : store_(store),
      backends_(std::move(backends)),
      options_(std::move(options)),
      time_(time),
      jitter_(std::move(jitter)),
      limiter_(options_.limits),
      breaker_(options_.breaker) {}

Dispatcher::~Dispatcher() {
    stop();
}

void Dispatcher::set_observer(AttemptObserver observer) {
    observer_ = std::move(observer);
}

Result<void> Dispatcher::start(bool once) {
    if (!workers_.empty())
        return fail(Error::internal("the dispatcher is already started"));
    const std::string name = options_.name.empty() ? default_name() : options_.name;
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < std::max(1, options_.workers); ++i) {
        auto backend = backends_();
        if (!backend)
            return fail(backend.error());
        workers.push_back(std::make_unique<Worker>(
            Worker{name + "/" + std::to_string(i + 1), std::move(*backend), {}}));
    }
    // Pauses from an earlier process hold until their probe time: a restart must not hammer a
    // mailbox that Exchange Online is blocking.
    if (auto pauses = store_.sender_pauses()) {
        for (const SenderPause& pause : *pauses)
            breaker_.restore(pause.sender, pause.until, pause.reason);
    } else {
        spdlog::warn("outbox: cannot read sender pauses: {}", pauses.error().describe());
    }
    once_ = once;
    stopping_.store(false);
    workers_ = std::move(workers);
    active_.store(static_cast<int>(workers_.size()));
    for (std::size_t i = 0; i < workers_.size(); ++i)
        workers_[i]->thread = named_thread("dispatch-" + std::to_string(i + 1),
                                           [this, &w = *workers_[i]] { run(w); });
    return {};
}

void Dispatcher::notify() {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
    }
    // One worker is enough for one new message; a worker that leases a full batch wakes the next
    // (lease_and_send), so a burst still gets every worker. Waking all would have them queue
    // their leases behind each other for the one message.
    wake_.notify_one();
}

void Dispatcher::notify(std::string_view sender) {
    const TimePoint now = time_.now();
    if (limiter_.blocks(sender, now) || breaker_.pauses(sender, now))
        return;
    notify();
}

void Dispatcher::wake_all() {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
    }
    wake_.notify_all();
}

void Dispatcher::request_stop() {
    stopping_.store(true, std::memory_order_release);
    wake_all();
}

void Dispatcher::stop() {
    request_stop();
    wait();
}

void Dispatcher::wait() {
    for (auto& worker : workers_) {
        if (worker->thread.joinable())
            worker->thread.join();
    }
    workers_.clear();
}

bool Dispatcher::running() const {
    return active_.load() > 0;
}

void Dispatcher::run(Worker& worker) {
    while (!should_stop()) {
        try {
            if (!lease_and_send(worker))
                break;
        } catch (const std::exception& e) {
            spdlog::error("outbox: worker {}: {}", worker.id, e.what());
            wait_for_work(generation(), time_.now(), true);
        }
    }
    worker.backend->close();
    active_.fetch_sub(1);
}

std::uint64_t Dispatcher::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

bool Dispatcher::lease_and_send(Worker& worker) {
    const std::uint64_t seen = generation();
    const TimePoint now = time_.now();
    std::set<std::string> excluded = breaker_.paused(now);
    excluded.merge(limiter_.blocked(now));
    // Under a rate limit a worker holds one message at a time: a token is for one send, and a
    // message must not wait in a worker's hands while a higher-priority one is queued.
    const bool paced = limiter_.limits().messages_per_second.has_value();
    const std::size_t max = paced ? 1 : options_.batch;
    std::unique_lock pacing(pacing_, std::defer_lock);
    if (paced)
        pacing.lock();
    auto leased = store_.lease_due(worker.id, now, options_.lease_for, max, excluded);
    if (!leased) {
        spdlog::error("outbox: worker {} cannot lease: {}", worker.id, leased.error().describe());
        if (once_)
            return false;
        if (pacing.owns_lock())
            pacing.unlock();
        wait_for_work(seen, now, true);
        return true;
    }
    if (leased->empty()) {
        if (once_ && limiter_.blocked(now).empty())
            return false;
        if (pacing.owns_lock())
            pacing.unlock();
        wait_for_work(seen, now, !excluded.empty());
        return true;
    }
    if (max > 1 && leased->size() == max)
        notify();  // there may be more: bring another worker in
    for (const StoredMessage& message : *leased) {
        if (should_stop())
            release(worker, message, "the dispatcher is stopping");
        else
            handle(worker, message, pacing);
    }
    return true;
}

void Dispatcher::wait_for_work(std::uint64_t seen, TimePoint now, bool excluded_any) {
    TimePoint deadline = now + options_.idle_wait;
    if (auto due = store_.next_due(); due && *due) {
        // Due already yet not leased: excluded (paused or rate limited, whose own times count
        // below), or due since the lease a moment ago (look again almost at once).
        if (**due > now)
            deadline = std::min(deadline, **due);
        else if (!excluded_any)
            deadline = std::min(deadline, now + milliseconds(1));
    }
    if (auto token = limiter_.next_token(now))
        deadline = std::min(deadline, *token);
    if (auto probe = breaker_.next_probe(); probe && *probe > now)
        deadline = std::min(deadline, *probe);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, deadline - now, [&] { return should_stop() || generation_ != seen; });
}

void Dispatcher::handle(Worker& worker, const StoredMessage& message,
                        std::unique_lock<std::mutex>& pacing) {
    const std::string& sender = message.message.envelope.sender;
    const TimePoint now = time_.now();
    if (!limiter_.try_acquire(sender, now).granted) {
        release(worker, message, "rate limited");
        return;
    }
    if (!breaker_.allow(sender, now)) {
        limiter_.cancel(sender);
        release(worker, message, "sender paused");
        return;
    }
    if (pacing.owns_lock())
        pacing.unlock();
    try {
        send(worker, message);
    } catch (const std::exception& e) {
        // Past the backend call (which cannot throw): a store or observer fault. The lease
        // expires and the message is due again; the worker carries on. A probe that never
        // reported must not leave its sender half-open for good.
        spdlog::error("outbox: worker {} message {}: {}", worker.id, message.id, e.what());
        breaker_.on_inconclusive(sender, time_.now());
    }
}

void Dispatcher::release(Worker& worker, const StoredMessage& message, const std::string& why) {
    // A zero next_attempt_at keeps the time the message was due at, so it keeps its place.
    const Outcome outcome{Outcome::Kind::release, {}, why};
    if (auto done = store_.complete(message.id, worker.id, std::nullopt, outcome); !done)
        spdlog::warn("outbox: cannot release message {}: {}", message.id, done.error().describe());
}

void Dispatcher::send(Worker& worker, const StoredMessage& message) {
    const std::string& sender = message.message.envelope.sender;
    Attempt attempt;
    attempt.number = message.attempt_count + 1;
    attempt.started_at = time_.now();
    attempt.backend = std::string(worker.backend->name());
    const auto started = std::chrono::steady_clock::now();
    transport::SendResult result = call_backend(*worker.backend, message.message);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    attempt.duration = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    limiter_.release(sender);
    if (limiter_.limits().max_concurrent)
        notify();  // a worker may be waiting for this sender's slot
    const TimePoint finished = time_.now();

    if (result) {
        attempt.accepted = true;
        attempt.detail = result->detail;
        if (breaker_.on_sender_ok(sender) == Change::closed)
            resume(sender);
        stats_.record_delivery(finished - message.created_at);
        stats_.record(message.event, attempt.backend, AttemptResult::sent, elapsed);
        record(worker, message, attempt, result, Outcome{Outcome::Kind::sent, {}, {}});
        return;
    }

    const Error& error = result.error();
    const auto diagnosis = microsoft365::diagnose(error);
    attempt.error = error;
    if (diagnosis)
        attempt.diagnosis = microsoft365::format_diagnosis(*diagnosis, sender);
    FailedAttempt failed{.number = attempt.number,
                         .now = finished,
                         .created_at = message.created_at,
                         .retry_after = error.retry_after};
    const FailureScope scope = failure_scope(error, diagnosis);
    if (scope == FailureScope::sender) {
        failed.sender_paused_until = hold_sender(sender, finished, failure_text(error, diagnosis),
                                                 error.retry_after.value_or(seconds(0)));
    } else if (scope == FailureScope::message) {
        if (breaker_.on_sender_ok(sender) == Change::closed)
            resume(sender);
    } else if (breaker_.on_inconclusive(sender, finished) == Change::reopened) {
        persist_pause(sender);
    }
    const Outcome outcome = decide_retry(error, diagnosis, failed, options_.retry, jitter_);
    const AttemptResult counted = scope == FailureScope::sender         ? AttemptResult::held
                                  : outcome.kind == Outcome::Kind::dead ? AttemptResult::dead
                                                                        : AttemptResult::retried;
    stats_.record(message.event, attempt.backend, counted, elapsed);
    record(worker, message, attempt, result, outcome);
}

TimePoint Dispatcher::hold_sender(const std::string& sender, TimePoint now,
                                  const std::string& reason, milliseconds at_least) {
    const Change change = breaker_.on_systemic_failure(sender, now, reason, at_least);
    const SenderBreaker state = breaker_.state(sender);
    if (change != Change::none) {
        log_sender_paused(state, change == Change::opened);
        persist_pause(sender);
    }
    // Below the breaker's threshold the sender is not paused yet: the message is due again now.
    return state.state == BreakerState::open ? state.probe_at : now;
}

void Dispatcher::persist_pause(const std::string& sender) {
    const SenderBreaker state = breaker_.state(sender);
    if (auto saved = store_.pause_sender({sender, state.probe_at, state.reason}); !saved)
        spdlog::warn("outbox: cannot record the pause of {}: {}", sender, saved.error().describe());
}

void Dispatcher::resume(const std::string& sender) {
    log_sender_resumed(sender);
    if (auto cleared = store_.resume_sender(sender); !cleared)
        spdlog::warn("outbox: cannot clear the pause of {}: {}", sender,
                     cleared.error().describe());
    wake_all();  // the sender's whole queue is due again
}

void Dispatcher::record(Worker& worker, const StoredMessage& message, const Attempt& attempt,
                        const transport::SendResult& sent, const Outcome& outcome) {
    log_attempt(message, attempt, sent, outcome);
    if (auto done = store_.complete(message.id, worker.id, attempt, outcome); !done)
        spdlog::error("outbox: cannot record attempt {} of message {}: {}", attempt.number,
                      message.id, done.error().describe());
    if (observer_)
        observer_(message, attempt, outcome);
}

}  // namespace txmail::outbox
