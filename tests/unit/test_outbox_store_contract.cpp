// One contract suite for every Store implementation (store.h, lifecycle.h): the memory store the
// dispatcher's tests use must behave exactly like the SQLite store that production uses.
#include <gtest/gtest.h>

#include <memory>

#include "support/rendered_messages.h"
#include "support/temp_directory.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/outbox/sqlite/sqlite_store.h"
#include "txmail/util/wait_for_answer.h"

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;

struct MemoryStoreFactory {
    std::unique_ptr<Store> make() { return std::make_unique<MemoryStore>(); }
};

struct SqliteStoreFactory {
    testing::TempDirectory directory;
    std::unique_ptr<Store> make() {
        auto store = sqlite::SqliteStore::open(directory / "outbox.db");
        if (!store)
            throw std::runtime_error(store.error().describe());
        return std::move(*store);
    }
};

NewMessage new_message(const std::string& name, int priority = priority::normal,
                       std::optional<std::string> key = std::nullopt) {
    NewMessage message;
    message.event = "welcome";
    message.message = testing::rendered_message(name);
    message.message.envelope.recipients = {name + "@example.com"};
    message.priority = priority;
    message.idempotency_key = std::move(key);
    return message;
}

Attempt failed_attempt(int code, std::string enhanced, std::string reply) {
    Attempt attempt;
    attempt.started_at = Clock::now();
    attempt.duration = 42ms;
    attempt.backend = "smtp";
    attempt.accepted = false;
    Error error = code >= 500 ? Error::permanent("the server refused the message")
                              : Error::transient("the server deferred the message");
    error.code = code;
    error.enhanced_status = std::move(enhanced);
    error.reply = std::move(reply);
    attempt.error = std::move(error);
    attempt.diagnosis = "The mailbox does not exist: check the address.";
    return attempt;
}

Attempt accepted_attempt() {
    Attempt attempt;
    attempt.started_at = Clock::now();
    attempt.duration = 7ms;
    attempt.backend = "smtp";
    attempt.accepted = true;
    attempt.detail = "250 2.0.0 Ok: queued as ABC123";
    return attempt;
}

template <class Factory>
class StoreContract : public ::testing::Test {
  protected:
    void SetUp() override { store = factory.make(); }

    MessageId enqueue(const NewMessage& message) {
        auto enqueued = store->enqueue(message);
        EXPECT_TRUE(enqueued) << enqueued.error().describe();
        return enqueued ? enqueued->id : 0;
    }
    StoredMessage get(MessageId id) {
        auto found = store->get(id);
        EXPECT_TRUE(found && *found) << "message " << id;
        return found && *found ? **found : StoredMessage{};
    }
    std::vector<StoredMessage> lease(const std::string& worker, TimePoint now, std::size_t max = 10,
                                     std::chrono::milliseconds for_ = 1min,
                                     const std::set<std::string>& paused = {}) {
        auto leased = store->lease_due(worker, now, for_, max, paused);
        EXPECT_TRUE(leased) << leased.error().describe();
        return leased ? *leased : std::vector<StoredMessage>{};
    }
    static std::vector<MessageId> ids(const std::vector<StoredMessage>& messages) {
        std::vector<MessageId> out;
        for (const auto& m : messages)
            out.push_back(m.id);
        return out;
    }
    std::int64_t count(Status status) {
        auto stats = store->stats();
        EXPECT_TRUE(stats);
        return stats ? stats->by_status[static_cast<std::size_t>(status)].second : -1;
    }

    Factory factory;
    std::unique_ptr<Store> store;
    const TimePoint soon = Clock::now() + 1s;  // everything enqueued so far is due
};

using Factories = ::testing::Types<MemoryStoreFactory, SqliteStoreFactory>;
class FactoryNames {
  public:
    template <class T>
    static std::string GetName(int) {
        return std::is_same_v<T, MemoryStoreFactory> ? "memory" : "sqlite";
    }
};
TYPED_TEST_SUITE(StoreContract, Factories, FactoryNames);

TYPED_TEST(StoreContract, EnqueuedMessageIsStoredExactly) {
    NewMessage message = new_message("a", priority::high, "key-1");
    message.message.envelope.recipients = {"a@example.com", "b@example.net"};
    message.message.bytes += std::string("binary\0bytes\r\n", 14);
    const TimePoint before = Clock::now() - 1ms;
    auto enqueued = this->store->enqueue(message);
    ASSERT_TRUE(enqueued) << enqueued.error().describe();
    EXPECT_TRUE(enqueued->created);

    const StoredMessage stored = this->get(enqueued->id);
    EXPECT_EQ(stored.id, enqueued->id);
    EXPECT_EQ(stored.event, "welcome");
    EXPECT_EQ(stored.status, Status::queued);
    EXPECT_EQ(stored.priority, priority::high);
    EXPECT_EQ(stored.message.envelope.sender, message.message.envelope.sender);
    EXPECT_EQ(stored.message.envelope.recipients, message.message.envelope.recipients);
    EXPECT_EQ(stored.message.message_id, message.message.message_id);
    EXPECT_EQ(stored.message.subject, message.message.subject);
    EXPECT_EQ(stored.message.bytes, message.message.bytes);
    EXPECT_EQ(stored.idempotency_key, "key-1");
    EXPECT_GE(stored.created_at, before);
    EXPECT_LE(stored.created_at, Clock::now());
    EXPECT_EQ(stored.next_attempt_at, stored.created_at);
    EXPECT_EQ(stored.attempt_count, 0);
    EXPECT_FALSE(stored.lease_until.has_value());
    EXPECT_FALSE(stored.last_attempt.has_value());
    EXPECT_EQ(stored.last_error, "");
}

// enqueue_async answers what enqueue would have, whichever Wait: the new row, the first row for a
// key already used, or the error naming the field; the row is stored by the time the answer
// comes (Wait::committed changes only when, not what).
TYPED_TEST(StoreContract, EnqueueAsyncAnswersAsEnqueueWouldOnceTheRowIsStored) {
    int queued = 0;
    for (const Store::Wait wait : {Store::Wait::durable, Store::Wait::committed}) {
        SCOPED_TRACE(wait == Store::Wait::durable ? "durable" : "committed");
        auto answer_of = [&](NewMessage message) {
            return wait_for_answer<Result<Enqueued>>([&](Store::EnqueueDone done) {
                this->store->enqueue_async(std::move(message), wait, std::move(done));
            });
        };
        const std::string key = "key-async-" + std::to_string(queued);
        auto first = answer_of(new_message("a", priority::high, key));
        ASSERT_TRUE(first) << first.error().describe();
        EXPECT_TRUE(first->created);
        const StoredMessage stored = this->get(first->id);
        EXPECT_EQ(stored.idempotency_key, key);
        EXPECT_EQ(stored.priority, priority::high);

        auto replay = answer_of(new_message("b", priority::normal, key));
        ASSERT_TRUE(replay) << replay.error().describe();
        EXPECT_EQ(replay->id, first->id);
        EXPECT_FALSE(replay->created);

        NewMessage invalid = new_message("c");
        invalid.message.envelope.recipients.clear();
        auto refused = answer_of(std::move(invalid));
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().field, "message.envelope.recipients");
        EXPECT_EQ(this->count(Status::queued), ++queued);
    }
}

TYPED_TEST(StoreContract, PingAnswersWhetherEmptyOrNot) {
    EXPECT_TRUE(this->store->ping());
    this->enqueue(new_message("a"));
    EXPECT_TRUE(this->store->ping());
}

TYPED_TEST(StoreContract, UnknownIdIsAbsentNotAnError) {
    auto found = this->store->get(999);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value());
    auto attempts = this->store->attempts(999);
    ASSERT_TRUE(attempts);
    EXPECT_TRUE(attempts->empty());
}

TYPED_TEST(StoreContract, InvalidMessageIsRefusedNamingTheField) {
    NewMessage message = new_message("a");
    message.message.envelope.recipients.clear();
    auto enqueued = this->store->enqueue(message);
    ASSERT_FALSE(enqueued);
    EXPECT_EQ(enqueued.error().field, "message.envelope.recipients");

    message = new_message("a", priority::normal, std::string(600, 'k'));
    enqueued = this->store->enqueue(message);
    ASSERT_FALSE(enqueued);
    EXPECT_EQ(enqueued.error().field, "idempotency_key");
    EXPECT_NE(enqueued.error().message.find("600"), std::string::npos);
    EXPECT_EQ(this->count(Status::queued), 0);
}

TYPED_TEST(StoreContract, SameIdempotencyKeyReturnsFirstIdAndStoresNothing) {
    const MessageId first = this->enqueue(new_message("first", priority::normal, "order-7"));
    auto again = this->store->enqueue(new_message("second", priority::high, "order-7"));
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->id, first);
    EXPECT_FALSE(again->created);
    EXPECT_EQ(this->count(Status::queued), 1);
    EXPECT_EQ(this->get(first).message.subject, "Subject first") << "the first message is kept";

    auto other = this->store->enqueue(new_message("third", priority::normal, "order-8"));
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->created);
    EXPECT_EQ(other->id, first + 1) << "the repeat used up no id";
    // No key: never deduplicated.
    EXPECT_NE(this->enqueue(new_message("x")), this->enqueue(new_message("x")));
}

TYPED_TEST(StoreContract, BatchHonoursKeysSeenBeforeAndWithinTheBatch) {
    const MessageId seen = this->enqueue(new_message("seen", priority::normal, "k-seen"));
    const std::vector<NewMessage> batch = {
        new_message("a", priority::low, "k-seen"), new_message("b", priority::low, "k-new"),
        new_message("c", priority::low, "k-new"), new_message("d", priority::low)};
    auto enqueued = this->store->enqueue_batch(batch);
    ASSERT_TRUE(enqueued) << enqueued.error().describe();
    ASSERT_EQ(enqueued->size(), 4u);
    EXPECT_EQ((*enqueued)[0].id, seen);
    EXPECT_FALSE((*enqueued)[0].created);
    EXPECT_TRUE((*enqueued)[1].created);
    EXPECT_EQ((*enqueued)[2].id, (*enqueued)[1].id);
    EXPECT_FALSE((*enqueued)[2].created);
    EXPECT_TRUE((*enqueued)[3].created);
    EXPECT_EQ(this->count(Status::queued), 3);
}

// The HTTP API keeps a digest of each keyed request: the same key with another request is the
// client's mistake, refused (and answered 422) rather than taken for a replay, which would drop
// the second message without a word.
NewMessage keyed_request(const std::string& name, const std::string& key,
                         std::optional<std::string> digest) {
    NewMessage message = new_message(name, priority::normal, key);
    message.request_digest = std::move(digest);
    return message;
}

TYPED_TEST(StoreContract, AKeyReusedForAnotherRequestIsRefusedAndStoresNothing) {
    const MessageId first = this->enqueue(keyed_request("first", "signup-1", "digest-a"));
    auto replay = this->store->enqueue(keyed_request("replay", "signup-1", "digest-a"));
    ASSERT_TRUE(replay) << replay.error().describe();
    EXPECT_EQ(replay->id, first);
    EXPECT_FALSE(replay->created);

    auto other = this->store->enqueue(keyed_request("other", "signup-1", "digest-b"));
    ASSERT_FALSE(other);
    EXPECT_TRUE(is_key_reused(other.error())) << other.error().describe();
    EXPECT_EQ(other.error().field, "idempotency_key");
    EXPECT_NE(other.error().message.find("message " + std::to_string(first)), std::string::npos)
        << other.error().message;
    EXPECT_FALSE(is_key_reused(Error::invalid("idempotency_key", "the idempotency key is empty")));

    // Without a digest on either side the key alone decides, as for the Stripe worker's keys
    // and the rows stored before digests were kept.
    auto undigested = this->store->enqueue(keyed_request("x", "signup-1", std::nullopt));
    ASSERT_TRUE(undigested);
    EXPECT_EQ(undigested->id, first);
    const MessageId plain = this->enqueue(keyed_request("plain", "stripe:evt_1", std::nullopt));
    auto later = this->store->enqueue(keyed_request("later", "stripe:evt_1", "digest-c"));
    ASSERT_TRUE(later);
    EXPECT_EQ(later->id, plain);

    // A batch with one reused key stores none of its messages, the new ones included; so does a
    // batch that gives one new key to two different requests.
    const std::vector<NewMessage> batch = {keyed_request("new", "fan-1:u1", "digest-d"),
                                           keyed_request("clash", "signup-1", "digest-e")};
    auto refused = this->store->enqueue_batch(batch);
    ASSERT_FALSE(refused);
    EXPECT_TRUE(is_key_reused(refused.error()));
    const std::vector<NewMessage> twice = {keyed_request("a", "fan-2:u1", "digest-f"),
                                           keyed_request("b", "fan-2:u1", "digest-g")};
    EXPECT_FALSE(this->store->enqueue_batch(twice));
    EXPECT_EQ(this->count(Status::queued), 2);

    auto found = this->store->find_by_idempotency_key("signup-1");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->id, first);
    EXPECT_EQ((*found)->request_digest, "digest-a");
    auto unknown = this->store->find_by_idempotency_key("fan-1:u1");
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(*unknown) << "the refused batch left no key behind";
}

TYPED_TEST(StoreContract, BatchIsAllOrNothing) {
    std::vector<NewMessage> batch = {new_message("a"), new_message("b"), new_message("c")};
    batch[2].event.clear();
    auto enqueued = this->store->enqueue_batch(batch);
    ASSERT_FALSE(enqueued);
    EXPECT_EQ(enqueued.error().field, "event");
    EXPECT_EQ(this->count(Status::queued), 0);
}

TYPED_TEST(StoreContract, LeasesHighestPriorityFirstThenOldest) {
    const MessageId low_old = this->enqueue(new_message("low-old", priority::low));
    const MessageId normal = this->enqueue(new_message("normal", priority::normal));
    const MessageId high_old = this->enqueue(new_message("high-old", priority::high));
    const MessageId low_new = this->enqueue(new_message("low-new", priority::low));
    const MessageId high_new = this->enqueue(new_message("high-new", priority::high));

    const auto first = this->lease("w1", this->soon, 2);
    EXPECT_EQ(this->ids(first), (std::vector<MessageId>{high_old, high_new}));
    const auto rest = this->lease("w2", this->soon, 10);
    EXPECT_EQ(this->ids(rest), (std::vector<MessageId>{normal, low_old, low_new}));
    for (const auto& m : rest) {
        EXPECT_EQ(m.status, Status::sending);
        EXPECT_EQ(m.lease_owner, "w2");
        EXPECT_EQ(m.lease_until, truncate_to_ms(this->soon + 1min));
    }
}

TYPED_TEST(StoreContract, LeasedMessageIsNotLeasedTwice) {
    const MessageId id = this->enqueue(new_message("a"));
    EXPECT_EQ(this->ids(this->lease("w1", this->soon)), std::vector<MessageId>{id});
    EXPECT_TRUE(this->lease("w2", this->soon + 59s).empty()) << "the lease still holds";
    const StoredMessage stored = this->get(id);
    EXPECT_EQ(stored.status, Status::sending);
    EXPECT_EQ(stored.lease_owner, "w1");
}

TYPED_TEST(StoreContract, NotBeforeDelaysTheMessage) {
    NewMessage later = new_message("later");
    later.not_before = this->soon + 10min;
    const MessageId id = this->enqueue(later);
    EXPECT_TRUE(this->lease("w", this->soon).empty());
    EXPECT_EQ(this->ids(this->lease("w", this->soon + 10min)), std::vector<MessageId>{id});
}

TYPED_TEST(StoreContract, ExpiredLeaseMakesTheMessageDueWithoutCountingAnAttempt) {
    const MessageId id = this->enqueue(new_message("a"));
    ASSERT_EQ(this->lease("w1", this->soon, 10, 30s).size(), 1u);
    EXPECT_TRUE(this->lease("w2", this->soon + 29s).empty());

    const auto again = this->lease("w2", this->soon + 31s);
    ASSERT_EQ(this->ids(again), std::vector<MessageId>{id});
    EXPECT_EQ(again[0].lease_owner, "w2");
    EXPECT_EQ(again[0].attempt_count, 0);
    EXPECT_NE(again[0].last_error.find("lease expired"), std::string::npos) << again[0].last_error;
    EXPECT_NE(again[0].last_error.find("w1"), std::string::npos) << again[0].last_error;

    // The worker that lost the lease cannot record its result any more.
    auto stale = this->store->complete(id, "w1", accepted_attempt(), {Outcome::Kind::sent});
    ASSERT_FALSE(stale);
    EXPECT_NE(stale.error().message.find("w2"), std::string::npos) << stale.error().message;
    ASSERT_TRUE(this->store->complete(id, "w2", accepted_attempt(), {Outcome::Kind::sent}));
    EXPECT_EQ(this->get(id).status, Status::sent);
}

TYPED_TEST(StoreContract, PausedSendersAreSkipped) {
    NewMessage paused = new_message("paused", priority::high);
    paused.message.envelope.sender = "blocked@example.com";
    const MessageId paused_id = this->enqueue(paused);
    const MessageId other = this->enqueue(new_message("other", priority::low));

    const auto leased = this->lease("w", this->soon, 10, 1min, {"blocked@example.com"});
    EXPECT_EQ(this->ids(leased), std::vector<MessageId>{other});
    EXPECT_EQ(this->get(paused_id).status, Status::queued);
    EXPECT_EQ(this->ids(this->lease("w", this->soon)), std::vector<MessageId>{paused_id});
}

TYPED_TEST(StoreContract, CompleteSentRecordsTheAttempt) {
    const MessageId id = this->enqueue(new_message("a"));
    ASSERT_EQ(this->lease("w", this->soon).size(), 1u);
    const Attempt attempt = accepted_attempt();
    auto done = this->store->complete(id, "w", attempt, {Outcome::Kind::sent});
    ASSERT_TRUE(done) << done.error().describe();

    const StoredMessage stored = this->get(id);
    EXPECT_EQ(stored.status, Status::sent);
    EXPECT_EQ(stored.attempt_count, 1);
    EXPECT_EQ(stored.lease_owner, "");
    EXPECT_FALSE(stored.lease_until.has_value());
    ASSERT_TRUE(stored.last_attempt.has_value());
    EXPECT_EQ(stored.last_attempt->number, 1);
    EXPECT_TRUE(stored.last_attempt->accepted);
    EXPECT_EQ(stored.last_attempt->detail, "250 2.0.0 Ok: queued as ABC123");
    EXPECT_EQ(stored.last_attempt->backend, "smtp");
    EXPECT_EQ(stored.last_attempt->duration, 7ms);
    EXPECT_EQ(stored.last_attempt->started_at, truncate_to_ms(attempt.started_at));
    EXPECT_FALSE(stored.last_attempt->error.has_value());
    EXPECT_TRUE(this->lease("w", this->soon + 1h).empty()) << "sent is final";
}

TYPED_TEST(StoreContract, RetryKeepsEveryAttemptInOrderThenDeadKeepsTheReply) {
    const MessageId id = this->enqueue(new_message("a"));
    ASSERT_EQ(this->lease("w", this->soon).size(), 1u);
    const Attempt deferred = failed_attempt(451, "4.7.0", "451 4.7.0 Temporary server error");
    ASSERT_TRUE(this->store->complete(
        id, "w", deferred,
        {Outcome::Kind::retry, this->soon + 5min, "deferred; next attempt in 5 min"}));

    StoredMessage stored = this->get(id);
    EXPECT_EQ(stored.status, Status::retry);
    EXPECT_EQ(stored.next_attempt_at, truncate_to_ms(this->soon + 5min));
    EXPECT_EQ(stored.last_error, "deferred; next attempt in 5 min");
    EXPECT_TRUE(this->lease("w", this->soon + 4min).empty());
    ASSERT_EQ(this->lease("w", this->soon + 5min).size(), 1u);

    const Attempt refused =
        failed_attempt(550, "5.1.1", "550 5.1.1 <a@example.com>: Recipient address rejected");
    ASSERT_TRUE(this->store->complete(id, "w", refused, {Outcome::Kind::dead}));
    stored = this->get(id);
    EXPECT_EQ(stored.status, Status::dead);
    EXPECT_EQ(stored.attempt_count, 2);
    EXPECT_NE(stored.last_error.find("550 5.1.1"), std::string::npos) << stored.last_error;

    auto attempts = this->store->attempts(id);
    ASSERT_TRUE(attempts);
    ASSERT_EQ(attempts->size(), 2u);
    EXPECT_EQ((*attempts)[0].number, 1);
    EXPECT_EQ((*attempts)[1].number, 2);
    const Attempt& last = (*attempts)[1];
    EXPECT_FALSE(last.accepted);
    ASSERT_TRUE(last.error.has_value());
    EXPECT_EQ(last.error->kind, ErrorKind::permanent);
    EXPECT_EQ(last.error->message, "the server refused the message");
    EXPECT_EQ(last.error->code, 550);
    EXPECT_EQ(last.error->enhanced_status, "5.1.1");
    EXPECT_EQ(last.error->reply, refused.error->reply);
    EXPECT_EQ(last.diagnosis, refused.diagnosis);
    EXPECT_EQ((*attempts)[0].error->kind, ErrorKind::transient);
    EXPECT_EQ((*attempts)[0].error->code, 451);
    EXPECT_TRUE(this->lease("w", this->soon + 1h).empty()) << "dead is final";
}

TYPED_TEST(StoreContract, ReleaseReturnsTheMessageUntouched) {
    const MessageId id = this->enqueue(new_message("a"));
    ASSERT_EQ(this->lease("w", this->soon).size(), 1u);
    ASSERT_TRUE(this->store->complete(id, "w", std::nullopt, {Outcome::Kind::release}));
    StoredMessage stored = this->get(id);
    EXPECT_EQ(stored.status, Status::queued);
    EXPECT_EQ(stored.attempt_count, 0);
    EXPECT_EQ(stored.lease_owner, "");
    EXPECT_EQ(this->ids(this->lease("w", this->soon)), std::vector<MessageId>{id})
        << "due again at once";

    // Released with a time (rate limited): due then, not before.
    ASSERT_TRUE(
        this->store->complete(id, "w", std::nullopt, {Outcome::Kind::release, this->soon + 2s}));
    EXPECT_TRUE(this->lease("w", this->soon + 1s).empty());
    EXPECT_EQ(this->lease("w", this->soon + 2s).size(), 1u);
}

TYPED_TEST(StoreContract, CompleteWithoutTheLeaseIsRefusedAndChangesNothing) {
    const MessageId id = this->enqueue(new_message("a"));
    auto not_leased = this->store->complete(id, "w", accepted_attempt(), {Outcome::Kind::sent});
    ASSERT_FALSE(not_leased);
    const std::string message = not_leased.error().message;
    EXPECT_NE(message.find("message " + std::to_string(id)), std::string::npos) << message;
    EXPECT_NE(message.find("queued"), std::string::npos) << message;

    ASSERT_EQ(this->lease("w1", this->soon).size(), 1u);
    auto other = this->store->complete(id, "w2", accepted_attempt(), {Outcome::Kind::sent});
    ASSERT_FALSE(other);
    EXPECT_NE(other.error().message.find("w1"), std::string::npos) << other.error().message;
    const StoredMessage stored = this->get(id);
    EXPECT_EQ(stored.status, Status::sending);
    EXPECT_EQ(stored.attempt_count, 0);
    EXPECT_TRUE(this->store->attempts(id)->empty());

    auto unknown = this->store->complete(12345, "w1", std::nullopt, {Outcome::Kind::sent});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("12345"), std::string::npos);
}

TYPED_TEST(StoreContract, OperatorRetryAppliesToDeadRetryAndCanceledOnly) {
    const MessageId queued = this->enqueue(new_message("queued"));
    auto refused = this->store->retry(queued, this->soon);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("message " + std::to_string(queued) + " is queued"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(refused.error().field, "id");

    const MessageId dead = this->enqueue(new_message("dead"));
    ASSERT_EQ(this->lease("w", this->soon, 10, 2h).size(), 2u);
    ASSERT_TRUE(this->store->complete(dead, "w", failed_attempt(550, "5.1.1", "550 no"),
                                      {Outcome::Kind::dead, {}, "recipient refused"}));
    auto sending = this->store->retry(queued, this->soon);
    ASSERT_FALSE(sending);
    EXPECT_NE(sending.error().message.find("sending"), std::string::npos);

    ASSERT_TRUE(this->store->retry(dead, this->soon + 1h));
    const StoredMessage stored = this->get(dead);
    EXPECT_EQ(stored.status, Status::retry) << "it has an attempt already";
    EXPECT_EQ(stored.next_attempt_at, truncate_to_ms(this->soon + 1h));
    EXPECT_EQ(this->ids(this->lease("w", this->soon + 1h)), std::vector<MessageId>{dead});

    auto unknown = this->store->retry(777, this->soon);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("777"), std::string::npos);
}

TYPED_TEST(StoreContract, CancelAppliesToQueuedAndRetryOnly) {
    const MessageId queued = this->enqueue(new_message("queued"));
    ASSERT_TRUE(this->store->cancel(queued, "customer unsubscribed"));
    StoredMessage stored = this->get(queued);
    EXPECT_EQ(stored.status, Status::canceled);
    EXPECT_EQ(stored.last_error, "customer unsubscribed");
    EXPECT_TRUE(this->lease("w", this->soon).empty()) << "a canceled message is never sent";

    auto twice = this->store->cancel(queued, "");
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("is canceled"), std::string::npos);

    const MessageId leased = this->enqueue(new_message("leased"));
    ASSERT_EQ(this->lease("w", this->soon).size(), 1u);
    auto in_flight = this->store->cancel(leased, "");
    ASSERT_FALSE(in_flight);
    EXPECT_NE(in_flight.error().message.find("message " + std::to_string(leased) + " is sending"),
              std::string::npos)
        << in_flight.error().message;

    ASSERT_TRUE(this->store->retry(queued, this->soon));
    EXPECT_EQ(this->get(queued).status, Status::queued) << "never attempted";
    ASSERT_TRUE(this->store->cancel(queued, ""));
    EXPECT_EQ(this->get(queued).last_error, "canceled by an operator");
}

TYPED_TEST(StoreContract, ListFiltersAndPagesByCursor) {
    NewMessage alert = new_message("alert", priority::low);
    alert.event = "view_status_changed";
    std::vector<MessageId> all;
    for (int i = 0; i < 5; ++i)
        all.push_back(this->enqueue(new_message("user" + std::to_string(i))));
    const MessageId alert_id = this->enqueue(alert);
    ASSERT_TRUE(this->store->cancel(all[1], ""));

    auto page = this->store->list({.limit = 2});
    ASSERT_TRUE(page);
    EXPECT_EQ(this->ids(*page), (std::vector<MessageId>{all[0], all[1]}));
    page = this->store->list({.after_id = all[1], .limit = 3});
    EXPECT_EQ(this->ids(*page), (std::vector<MessageId>{all[2], all[3], all[4]}));
    page = this->store->list({.after_id = all[4], .limit = 3});
    EXPECT_EQ(this->ids(*page), std::vector<MessageId>{alert_id});

    page = this->store->list({.status = Status::canceled});
    EXPECT_EQ(this->ids(*page), std::vector<MessageId>{all[1]});
    page = this->store->list({.event = "view_status_changed"});
    EXPECT_EQ(this->ids(*page), std::vector<MessageId>{alert_id});
    page = this->store->list({.recipient = "USER3@Example.com"});
    EXPECT_EQ(this->ids(*page), std::vector<MessageId>{all[3]}) << "addresses match in any case";
    page = this->store->list({.status = Status::queued, .event = "welcome", .after_id = all[2]});
    EXPECT_EQ(this->ids(*page), (std::vector<MessageId>{all[3], all[4]}));
}

TYPED_TEST(StoreContract, StatsCountEveryStatusAndTheOldestWaiting) {
    auto empty = this->store->stats();
    ASSERT_TRUE(empty);
    ASSERT_EQ(empty->by_status.size(), 6u);
    EXPECT_EQ(empty->by_status[0], std::make_pair(Status::queued, std::int64_t{0}));
    EXPECT_FALSE(empty->oldest_queued.has_value());

    const MessageId first = this->enqueue(new_message("a"));
    this->enqueue(new_message("b"));
    const MessageId third = this->enqueue(new_message("c"));
    ASSERT_TRUE(this->store->cancel(third, ""));
    ASSERT_EQ(this->lease("w", this->soon, 1).size(), 1u);

    auto stats = this->store->stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(this->count(Status::queued), 1);
    EXPECT_EQ(this->count(Status::sending), 1);
    EXPECT_EQ(this->count(Status::canceled), 1);
    EXPECT_EQ(this->count(Status::sent), 0);
    EXPECT_EQ(stats->oldest_queued, this->get(first).created_at) << "sending still counts";
}

TYPED_TEST(StoreContract, CountGivesEachStatusAskedForInTheOrderAsked) {
    this->enqueue(new_message("a"));
    this->enqueue(new_message("b"));
    ASSERT_TRUE(this->store->cancel(this->enqueue(new_message("c")), ""));
    const auto leased = this->lease("w", this->soon, 1);
    ASSERT_EQ(leased.size(), 1u);
    ASSERT_TRUE(
        this->store->complete(leased[0].id, "w", accepted_attempt(), {Outcome::Kind::sent}));
    this->enqueue(new_message("d"));

    const Status asked[] = {Status::canceled, Status::queued, Status::dead, Status::sent};
    auto counts = this->store->count(asked);
    ASSERT_TRUE(counts) << counts.error().describe();
    EXPECT_EQ(
        *counts,
        (std::vector<std::pair<Status, std::int64_t>>{
            {Status::canceled, 1}, {Status::queued, 2}, {Status::dead, 0}, {Status::sent, 1}}));
    auto none = this->store->count({});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TYPED_TEST(StoreContract, PurgeDeletesFinishedMessagesCreatedBeforeTheCutoffOnly) {
    const MessageId sent = this->enqueue(new_message("sent"));
    const MessageId dead = this->enqueue(new_message("dead"));
    const MessageId canceled = this->enqueue(new_message("canceled", priority::normal, "key-1"));
    ASSERT_TRUE(this->store->cancel(canceled, ""));
    ASSERT_EQ(this->lease("w", this->soon, 2).size(), 2u);
    ASSERT_TRUE(this->store->complete(sent, "w", accepted_attempt(), {Outcome::Kind::sent}));
    ASSERT_TRUE(this->store->complete(dead, "w", failed_attempt(550, "5.1.1", "550 no"),
                                      {Outcome::Kind::dead, {}, "recipient refused"}));
    const MessageId leased = this->enqueue(new_message("leased"));
    ASSERT_EQ(this->lease("w", this->soon, 1).size(), 1u);
    const MessageId queued = this->enqueue(new_message("queued"));
    // Waiting on the clock itself, not on another thread: what follows is created after it.
    const TimePoint cutoff = truncate_to_ms(Clock::now()) + 1ms;
    while (Clock::now() < cutoff) {
    }
    const MessageId recent = this->enqueue(new_message("recent"));
    ASSERT_TRUE(this->store->cancel(recent, ""));

    auto purged = this->store->purge_finished(cutoff, {});
    ASSERT_TRUE(purged) << purged.error().describe();
    EXPECT_EQ(*purged, 3);
    for (MessageId gone : {sent, dead, canceled}) {
        auto found = this->store->get(gone);
        ASSERT_TRUE(found);
        EXPECT_FALSE(found->has_value()) << "message " << gone;
        auto attempts = this->store->attempts(gone);
        ASSERT_TRUE(attempts);
        EXPECT_TRUE(attempts->empty()) << "message " << gone;
    }
    EXPECT_EQ(this->get(leased).status, Status::sending);
    EXPECT_EQ(this->get(queued).status, Status::queued);
    EXPECT_EQ(this->get(recent).status, Status::canceled) << "created since the cutoff";

    auto again = this->store->enqueue(new_message("again", priority::normal, "key-1"));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->created) << "the key went with its message";
    EXPECT_NE(again->id, canceled);
    auto nothing_left = this->store->purge_finished(cutoff, {});
    ASSERT_TRUE(nothing_left);
    EXPECT_EQ(*nothing_left, 0);
}

TYPED_TEST(StoreContract, NextDueIsTheEarliestWaitingTimeOrExpiringLease) {
    auto none = this->store->next_due();
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());

    NewMessage later = new_message("later");
    later.not_before = this->soon + 1h;
    this->enqueue(later);
    EXPECT_EQ(*this->store->next_due(), truncate_to_ms(this->soon + 1h));

    NewMessage sooner = new_message("sooner");
    sooner.not_before = this->soon + 10min;
    this->enqueue(sooner);
    ASSERT_EQ(this->lease("w", this->soon + 10min, 10, 5min).size(), 1u);
    EXPECT_EQ(*this->store->next_due(), truncate_to_ms(this->soon + 15min)) << "the lease expiry";
}

TYPED_TEST(StoreContract, SenderPausesAreStoredReplacedAndResumed) {
    ASSERT_TRUE(this->store->pause_sender({"a@example.com", this->soon + 1min, "535 5.7.3"}));
    ASSERT_TRUE(this->store->pause_sender({"b@example.com", this->soon + 2min, "554 5.2.252"}));
    ASSERT_TRUE(this->store->pause_sender({"a@example.com", this->soon + 4min, "535 again"}));
    auto pauses = this->store->sender_pauses();
    ASSERT_TRUE(pauses);
    ASSERT_EQ(pauses->size(), 2u);
    EXPECT_EQ((*pauses)[0].sender, "a@example.com");
    EXPECT_EQ((*pauses)[0].until, truncate_to_ms(this->soon + 4min));
    EXPECT_EQ((*pauses)[0].reason, "535 again");

    ASSERT_TRUE(this->store->resume_sender("a@example.com"));
    auto stats = this->store->stats();
    ASSERT_TRUE(stats);
    ASSERT_EQ(stats->paused_senders.size(), 1u);
    EXPECT_EQ(stats->paused_senders[0].sender, "b@example.com");
    EXPECT_EQ(stats->paused_senders[0].reason, "554 5.2.252");
}

}  // namespace
}  // namespace txmail::outbox
