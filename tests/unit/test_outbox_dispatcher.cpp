// The dispatcher against the memory store and a scripted backend (answers chosen per message),
// with a fake clock: priorities, retries, dead letters, the sender circuit breaker, rate limits,
// connection reuse, notify() and a clean stop. Waits are on condition variables with deadlines.
#include "txmail/outbox/dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/memory_store.h"

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;

class FakeTime final : public TimeSource {
  public:
    // Ahead of the real clock, which the memory store stamps enqueues with: they are due.
    FakeTime() : now_(truncate_to_ms(Clock::now() + 1min)) {}
    TimePoint now() const override {
        std::lock_guard lock(mutex_);
        return now_;
    }
    void advance(std::chrono::milliseconds by) {
        std::lock_guard lock(mutex_);
        now_ += by;
    }

  private:
    mutable std::mutex mutex_;
    TimePoint now_;
};

transport::SendResult accept(const mail::RenderedMessage& message) {
    return transport::Accepted{message.message_id, "250 2.0.0 Ok: queued"};
}

Error reply(ErrorKind kind, int code, std::string status, std::string text) {
    Error error{kind, "the server refused the message"};
    error.code = code;
    error.enhanced_status = status;
    error.reply = std::to_string(code) + " " + status + " " + text;
    return error;
}

// What every scripted backend shares: the answer to give and what was sent, in order.
struct Script {
    std::function<transport::SendResult(const mail::RenderedMessage&)> respond = accept;
    std::function<void()> before_send;  // runs outside the lock (a test may block here)
    std::mutex mutex;
    std::vector<std::string> subjects;  // every attempt, in order
    std::atomic<int> backends_made{0};
    std::atomic<int> backends_closed{0};

    std::vector<std::string> sent() {
        std::lock_guard lock(mutex);
        return subjects;
    }
};

class ScriptedBackend final : public transport::Backend {
  public:
    explicit ScriptedBackend(Script& script) : script_(script) {}
    std::string_view name() const override { return "scripted"; }
    void close() override { ++script_.backends_closed; }
    std::vector<transport::SendResult> send_messages(
        std::span<const mail::RenderedMessage> messages) override {
        std::vector<transport::SendResult> results;
        for (const auto& message : messages) {
            if (script_.before_send)
                script_.before_send();
            std::lock_guard lock(script_.mutex);
            script_.subjects.push_back(message.subject);
            results.push_back(script_.respond(message));
        }
        return results;
    }

  private:
    Script& script_;
};

// The memory store, counting the dispatcher's leases (each one a walk of the backlog in SQLite).
class LeaseCountingStore final : public MemoryStore {
  public:
    Result<std::vector<StoredMessage>> lease_due(const std::string& worker, TimePoint now,
                                                 std::chrono::milliseconds lease_for,
                                                 std::size_t max,
                                                 const std::set<std::string>& paused) override {
        auto leased = MemoryStore::lease_due(worker, now, lease_for, max, paused);
        std::lock_guard lock(mutex_);
        ++leases_;
        changed_.notify_all();
        return leased;
    }
    bool wait_for_leases(int count, std::chrono::milliseconds deadline = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, deadline, [&] { return leases_ >= count; });
    }
    int leases() {
        std::lock_guard lock(mutex_);
        return leases_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int leases_ = 0;
};

// Counts completed attempts (the observer runs after the store recorded each one).
class Attempts {
  public:
    AttemptObserver observer() {
        return [this](const StoredMessage&, const Attempt&, const Outcome&) {
            std::lock_guard lock(mutex_);
            ++count_;
            changed_.notify_all();
        };
    }
    bool wait_for(int count, std::chrono::milliseconds deadline = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, deadline, [&] { return count_ >= count; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

class DispatcherTest : public ::testing::Test {
  protected:
    MessageId enqueue(std::string subject, int priority = priority::normal,
                      std::string sender = "noreply@example.com",
                      std::string recipient = "user@example.com") {
        NewMessage message;
        message.event = "welcome";
        message.priority = priority;
        message.message.envelope = {sender, {recipient}};
        message.message.message_id = subject + "@example.com";
        message.message.subject = subject;
        message.message.bytes = "Subject: " + subject + "\r\n\r\nHello\r\n";
        auto queued = store.enqueue(message);
        EXPECT_TRUE(queued.has_value());
        return queued ? queued->id : 0;
    }

    std::unique_ptr<Dispatcher> make(DispatcherOptions options = {}) {
        options.name = "test";
        if (options.idle_wait == DispatcherOptions{}.idle_wait)
            options.idle_wait = 50ms;
        auto dispatcher = std::make_unique<Dispatcher>(
            store,
            [this]() -> Result<std::unique_ptr<transport::Backend>> {
                ++script.backends_made;
                return std::make_unique<ScriptedBackend>(script);
            },
            options, time, [] { return 0.0; });
        dispatcher->set_observer(attempts.observer());
        return dispatcher;
    }

    // Runs one worker until nothing it may send is due.
    void drain(DispatcherOptions options = {}) {
        options.workers = 1;
        auto dispatcher = make(options);
        ASSERT_TRUE(dispatcher->start(/*once=*/true).has_value());
        dispatcher->wait();
    }

    StoredMessage get(MessageId id) { return store.get(id).value().value(); }

    LeaseCountingStore store;
    FakeTime time;
    Script script;
    Attempts attempts;
};

TEST_F(DispatcherTest, SendsWhatIsDueAndRecordsEachAttempt) {
    const MessageId a = enqueue("a");
    const MessageId b = enqueue("b");
    drain();
    EXPECT_EQ(script.sent(), (std::vector<std::string>{"a", "b"}));
    for (MessageId id : {a, b}) {
        EXPECT_EQ(get(id).status, Status::sent);
        const auto recorded = store.attempts(id).value();
        ASSERT_EQ(recorded.size(), 1u);
        EXPECT_TRUE(recorded[0].accepted);
        EXPECT_EQ(recorded[0].backend, "scripted");
        EXPECT_EQ(recorded[0].detail, "250 2.0.0 Ok: queued");
        EXPECT_EQ(recorded[0].started_at, time.now());
    }
    EXPECT_EQ(script.backends_closed, 1);
}

TEST_F(DispatcherTest, HighestPriorityFirstThenOldest) {
    enqueue("low-1", priority::low);
    enqueue("low-2", priority::low);
    enqueue("normal", priority::normal);
    enqueue("high", priority::high);
    drain({.batch = 1});
    EXPECT_EQ(script.sent(), (std::vector<std::string>{"high", "normal", "low-1", "low-2"}));
}

TEST_F(DispatcherTest, EachWorkerMakesOneBackendAndKeepsIt) {
    for (int i = 0; i < 40; ++i)
        enqueue("m" + std::to_string(i));
    auto dispatcher = make({.workers = 3});
    ASSERT_TRUE(dispatcher->start(true).has_value());
    dispatcher->wait();
    EXPECT_EQ(script.sent().size(), 40u);
    EXPECT_EQ(script.backends_made, 3) << "one backend per worker, reused for every message";
    EXPECT_EQ(script.backends_closed, 3);
}

TEST_F(DispatcherTest, TransientFailureIsRetriedAfterTheBackoff) {
    int calls = 0;
    script.respond = [&](const mail::RenderedMessage& m) -> transport::SendResult {
        if (calls++ == 0)
            return fail(reply(ErrorKind::transient, 451, "4.3.0", "Try again later"));
        return accept(m);
    };
    const MessageId id = enqueue("flaky");
    drain();
    StoredMessage message = get(id);
    EXPECT_EQ(message.status, Status::retry);
    EXPECT_EQ(message.next_attempt_at, time.now() + 1min);
    EXPECT_NE(message.last_error.find("451 4.3.0"), std::string::npos) << message.last_error;
    EXPECT_EQ(store.attempts(id).value().at(0).error->code, 451);

    drain();  // not due yet: nothing happens
    EXPECT_EQ(calls, 1);
    time.advance(1min);
    drain();
    EXPECT_EQ(get(id).status, Status::sent);
    EXPECT_EQ(store.attempts(id).value().size(), 2u);
}

TEST_F(DispatcherTest, ProvidersRetryAfterIsHonoured) {
    // A busy relay's 451 (the message retries) and Graph's 429 (systemic: the sender pauses),
    // both asking for ten minutes, more than the first backoff and the first pause.
    script.respond = [](const mail::RenderedMessage& m) -> transport::SendResult {
        Error busy = m.subject == "graph"
                         ? reply(ErrorKind::transient, 429, "", "ApplicationThrottled: over limit")
                         : reply(ErrorKind::transient, 451, "4.3.2", "Busy, come back later");
        busy.retry_after = std::chrono::seconds(600);
        return fail(busy);
    };
    const MessageId relay = enqueue("relay", priority::high, "relay@example.com");
    const MessageId graph = enqueue("graph", priority::normal, "graph@example.com");
    drain();
    EXPECT_EQ(get(relay).status, Status::retry);
    EXPECT_EQ(get(relay).next_attempt_at, time.now() + 10min) << "not the 1 min backoff";
    EXPECT_EQ(get(graph).status, Status::retry);
    EXPECT_EQ(get(graph).next_attempt_at, time.now() + 10min) << "not the 1 min pause";
    const auto pauses = store.sender_pauses().value();
    ASSERT_EQ(pauses.size(), 1u);
    EXPECT_EQ(pauses[0].sender, "graph@example.com");
    EXPECT_EQ(pauses[0].until, time.now() + 10min);
}

TEST_F(DispatcherTest, RecipientRefusalIsDeadAtOnceWithTheReply) {
    script.respond = [](const mail::RenderedMessage& m) -> transport::SendResult {
        if (m.envelope.recipients[0] == "nobody@example.com")
            return fail(reply(ErrorKind::permanent, 550, "5.1.1", "User unknown"));
        return accept(m);
    };
    const MessageId dead =
        enqueue("to-nobody", priority::high, "noreply@example.com", "nobody@example.com");
    const MessageId fine = enqueue("to-user");
    drain();
    EXPECT_EQ(get(dead).status, Status::dead);
    EXPECT_NE(get(dead).last_error.find("550 5.1.1 User unknown"), std::string::npos)
        << get(dead).last_error;
    EXPECT_EQ(store.attempts(dead).value().at(0).error->reply, "550 5.1.1 User unknown");
    EXPECT_EQ(get(fine).status, Status::sent) << "a recipient's refusal pauses nobody";
    EXPECT_TRUE(store.sender_pauses().value().empty());
}

TEST_F(DispatcherTest, AuthenticationFailurePausesTheSenderAndKillsNothing) {
    bool password_fixed = false;
    script.respond = [&](const mail::RenderedMessage& m) -> transport::SendResult {
        if (m.envelope.sender == "broken@example.com" && !password_fixed)
            return fail(
                reply(ErrorKind::permanent, 535, "5.7.8", "Authentication credentials invalid"));
        return accept(m);
    };
    std::vector<MessageId> broken;
    for (int i = 0; i < 10; ++i)
        broken.push_back(
            enqueue("broken-" + std::to_string(i), priority::high, "broken@example.com"));
    const MessageId other = enqueue("other", priority::low, "other@example.com");

    drain();
    EXPECT_EQ(script.sent().size(), 2u) << "one failure for the paused sender, then the other";
    EXPECT_EQ(get(other).status, Status::sent);
    for (MessageId id : broken) {
        const Status status = get(id).status;
        EXPECT_TRUE(status == Status::queued || status == Status::retry) << to_string(status);
    }
    const auto pauses = store.sender_pauses().value();
    ASSERT_EQ(pauses.size(), 1u);
    EXPECT_EQ(pauses[0].sender, "broken@example.com");
    EXPECT_EQ(pauses[0].until, time.now() + 1min);
    EXPECT_NE(pauses[0].reason.find("535 5.7.8"), std::string::npos) << pauses[0].reason;

    // The probe after the pause fails again: the pause doubles, still nothing dead.
    time.advance(1min);
    drain();
    EXPECT_EQ(script.sent().size(), 3u);
    EXPECT_EQ(store.sender_pauses().value().at(0).until, time.now() + 2min);

    // Fixed: the next probe goes through, the pause is lifted and the queue drains.
    password_fixed = true;
    time.advance(2min);
    drain();
    EXPECT_EQ(script.sent().size(), 13u);
    for (MessageId id : broken)
        EXPECT_EQ(get(id).status, Status::sent);
    EXPECT_TRUE(store.sender_pauses().value().empty());
}

TEST_F(DispatcherTest, RestartKeepsAPersistedPause) {
    ASSERT_TRUE(store.pause_sender({"noreply@example.com", time.now() + 10min, "535"}).has_value());
    const MessageId id = enqueue("held");
    drain();
    EXPECT_TRUE(script.sent().empty());
    EXPECT_EQ(get(id).status, Status::queued);
    time.advance(10min);
    drain();
    EXPECT_EQ(get(id).status, Status::sent);
}

TEST_F(DispatcherTest, BackendExceptionIsATransientFailureAndTheWorkerGoesOn) {
    script.respond = [](const mail::RenderedMessage& m) -> transport::SendResult {
        if (m.subject == "boom")
            throw std::runtime_error("socket exploded");
        return accept(m);
    };
    const MessageId boom = enqueue("boom", priority::high);
    const MessageId fine = enqueue("fine");
    drain();
    EXPECT_EQ(get(boom).status, Status::retry);
    EXPECT_NE(get(boom).last_error.find("socket exploded"), std::string::npos);
    EXPECT_EQ(get(fine).status, Status::sent);
}

TEST_F(DispatcherTest, AnExceptionPastTheBackendDoesNotEndTheWorker) {
    enqueue("first", priority::high);
    enqueue("second");
    auto dispatcher = make({.workers = 1, .batch = 1});
    int calls = 0;
    dispatcher->set_observer([&](const StoredMessage&, const Attempt&, const Outcome&) {
        if (calls++ == 0)
            throw std::runtime_error("metrics exploded");
    });
    ASSERT_TRUE(dispatcher->start(true).has_value());
    dispatcher->wait();
    EXPECT_EQ(script.sent(), (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(calls, 2);
}

// The send-duration histogram's buckets start at 1 ms: a send that took 1.5 ms must reach the
// observer as 1.5 ms, not cut to 1 ms as the store keeps it.
TEST_F(DispatcherTest, TheObserverGetsTheSendDurationFinerThanTheStoreKeepsIt) {
    constexpr auto took = std::chrono::microseconds(1500);
    script.respond = [took](const mail::RenderedMessage& m) -> transport::SendResult {
        const auto until = std::chrono::steady_clock::now() + took;
        while (std::chrono::steady_clock::now() < until) {
        }
        return accept(m);
    };
    const MessageId id = enqueue("timed");
    auto dispatcher = make({.workers = 1});
    std::chrono::microseconds observed{};
    dispatcher->set_observer([&](const StoredMessage&, const Attempt& attempt, const Outcome&) {
        observed = attempt.duration;
    });
    ASSERT_TRUE(dispatcher->start(true).has_value());
    dispatcher->wait();
    EXPECT_GE(observed, took);
    const auto stored = store.attempts(id).value().at(0).duration;
    EXPECT_EQ(stored, std::chrono::floor<std::chrono::milliseconds>(observed));
}

TEST_F(DispatcherTest, FactoryFailureStopsTheStart) {
    Dispatcher dispatcher(
        store,
        []() -> Result<std::unique_ptr<transport::Backend>> {
            return fail(Error::config("EMAIL_HOST", "EMAIL_HOST is empty"));
        },
        {}, time);
    const auto started = dispatcher.start();
    ASSERT_FALSE(started.has_value());
    EXPECT_EQ(started.error().field, "EMAIL_HOST");
}

TEST_F(DispatcherTest, NotifyWakesAnIdleWorkerAtOnce) {
    // An idle wait of an hour: only notify() can make this send happen within the deadline.
    auto dispatcher = make({.workers = 1, .idle_wait = 1h});
    ASSERT_TRUE(dispatcher->start().has_value());
    enqueue("wake");
    dispatcher->notify();
    EXPECT_TRUE(attempts.wait_for(1));
    dispatcher->stop();
    EXPECT_EQ(script.sent(), std::vector<std::string>{"wake"});
}

TEST_F(DispatcherTest, RateLimitPacesAndHighPriorityGoesNext) {
    for (int i = 0; i < 20; ++i)
        enqueue("low-" + std::to_string(i), priority::low);
    auto dispatcher = make({.workers = 2, .limits = {.messages_per_second = 0.5}});
    ASSERT_TRUE(dispatcher->start().has_value());
    ASSERT_TRUE(attempts.wait_for(1));
    // No token for two (fake) seconds: nothing more goes, however long we wait in real time.
    EXPECT_FALSE(attempts.wait_for(2, 300ms));
    const MessageId urgent = enqueue("password-changed", priority::high);
    time.advance(2s);
    dispatcher->notify();
    ASSERT_TRUE(attempts.wait_for(2));
    dispatcher->stop();
    EXPECT_EQ(script.sent(), (std::vector<std::string>{"low-0", "password-changed"}));
    EXPECT_EQ(get(urgent).status, Status::sent);
    EXPECT_TRUE(store.list({.status = Status::sending}).value().empty()) << "leases released";
}

TEST_F(DispatcherTest, NewWorkForASenderThatMustWaitWakesNoWorker) {
    const std::string sender = "noreply@example.com";
    enqueue("first", priority::normal, sender);
    // One token every 10 (fake) seconds, an idle wait of an hour: the worker waits 10 s for the
    // next token; only a wake-up can make it lease before then.
    auto dispatcher = make({.workers = 1, .idle_wait = 1h, .limits = {.messages_per_second = 0.1}});
    ASSERT_TRUE(dispatcher->start().has_value());
    ASSERT_TRUE(attempts.wait_for(1));
    // The lease after the send found only the sender's messages, which it may not send yet.
    ASSERT_TRUE(store.wait_for_leases(2));
    for (int i = 0; i < 5; ++i) {
        enqueue("later-" + std::to_string(i), priority::normal, sender);
        dispatcher->notify(sender);
    }
    EXPECT_FALSE(store.wait_for_leases(3, 500ms)) << "woken for a sender out of tokens";

    enqueue("other", priority::normal, "alerts@example.com");
    dispatcher->notify("alerts@example.com");
    ASSERT_TRUE(attempts.wait_for(2)) << "a sender with tokens wakes a worker at once";
    ASSERT_TRUE(store.wait_for_leases(4));
    dispatcher->stop();
    EXPECT_EQ(script.sent(), (std::vector<std::string>{"first", "other"}));
    EXPECT_EQ(store.leases(), 4) << "two for each send: the one that leased it, the one after";
}

TEST_F(DispatcherTest, StopFinishesTheMessageInHandAndReleasesTheRest) {
    std::mutex gate_mutex;
    std::condition_variable gate;
    bool in_send = false, open = false;
    script.before_send = [&] {
        std::unique_lock lock(gate_mutex);
        in_send = true;
        gate.notify_all();
        gate.wait(lock, [&] { return open; });
    };
    std::vector<MessageId> ids;
    for (int i = 0; i < 8; ++i)
        ids.push_back(enqueue("m" + std::to_string(i)));
    auto dispatcher = make({.workers = 1, .batch = 8});
    ASSERT_TRUE(dispatcher->start().has_value());
    {
        std::unique_lock lock(gate_mutex);
        ASSERT_TRUE(gate.wait_for(lock, 10s, [&] { return in_send; }));
    }
    dispatcher->request_stop();  // SIGTERM while a message is in hand
    {
        std::lock_guard lock(gate_mutex);
        open = true;
    }
    gate.notify_all();
    dispatcher->wait();

    EXPECT_EQ(get(ids[0]).status, Status::sent) << "the message in hand is finished";
    for (std::size_t i = 1; i < ids.size(); ++i) {
        const StoredMessage m = get(ids[i]);
        EXPECT_EQ(m.status, Status::queued) << "message " << i;
        EXPECT_EQ(m.attempt_count, 0);
    }
    EXPECT_EQ(script.sent().size(), 1u);
    EXPECT_EQ(script.backends_closed, 1);
}

TEST_F(DispatcherTest, StatsCountByEventBackendAndResult) {
    script.respond = [](const mail::RenderedMessage& m) -> transport::SendResult {
        if (m.subject == "bad")
            return fail(reply(ErrorKind::permanent, 550, "5.1.1", "User unknown"));
        return accept(m);
    };
    enqueue("good");
    enqueue("bad");
    auto dispatcher = make({.workers = 1});
    ASSERT_TRUE(dispatcher->start(true).has_value());
    dispatcher->wait();
    const auto snapshot = dispatcher->stats().snapshot();
    ASSERT_EQ(snapshot.attempts.size(), 2u);
    EXPECT_EQ(snapshot.attempts[0].result, AttemptResult::sent);
    EXPECT_EQ(snapshot.attempts[1].result, AttemptResult::dead);
    EXPECT_EQ(snapshot.attempts[0].event, "welcome");
    EXPECT_EQ(snapshot.attempts[0].backend, "scripted");
    EXPECT_EQ(snapshot.send_duration.count, 2u);
    EXPECT_EQ(snapshot.delivery_latency.count, 1u);
}

}  // namespace
}  // namespace txmail::outbox
