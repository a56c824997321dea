// The notifier: render + prepare + enqueue, and the fan-out stored in one batch.
#include <gtest/gtest.h>

#include "support/notify_fixtures.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/notifier.h"

namespace txmail::service {
namespace {

nlohmann::json user(int n) {
    return {{"id", std::to_string(n)},
            {"email", "user" + std::to_string(n) + "@example.com"},
            {"name", "User " + std::to_string(n)}};
}

// One view_status_changed per watcher 0..count-1, each with its own idempotency key.
std::vector<Notification> view_status_batch(int count) {
    std::vector<Notification> batch;
    for (int n = 0; n < count; ++n)
        batch.push_back(
            {"view_status_changed",
             {{"user", user(n)}, {"ticker", "AAPL"}, {"old_status", "BUY"}, {"new_status", "SELL"}},
             "fan:" + std::to_string(n)});
    return batch;
}

class NotifierTest : public ::testing::Test {
  protected:
    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore store;
    Notifier notifier{renderer, store};
};

TEST_F(NotifierTest, QueuesTheRenderedMessageWithTheEventsPriorityAndKey) {
    std::vector<std::string> woken_for;
    notifier.on_queued([&](std::string_view sender) { woken_for.emplace_back(sender); });
    auto queued = notifier.notify({"welcome", {{"user", user(1)}}, "k1"});
    ASSERT_TRUE(queued) << queued.error().describe();
    auto stored = **store.get(queued->id);
    EXPECT_EQ(stored.event, "welcome");
    EXPECT_EQ(stored.priority, outbox::priority::normal);
    EXPECT_EQ(stored.idempotency_key, "k1");
    EXPECT_EQ(stored.message.envelope.recipients, (std::vector<std::string>{"user1@example.com"}));
    EXPECT_EQ(woken_for, std::vector<std::string>{stored.message.envelope.sender})
        << "woken once, for the sender the dispatcher paces";

    auto again = notifier.notify({"welcome", {{"user", user(1)}}, "k1"});
    EXPECT_EQ(again->id, queued->id);
    EXPECT_FALSE(again->created);
}

TEST_F(NotifierTest, BadDataStoresNothingAndNamesTheField) {
    auto queued = notifier.notify({"password_changed", {{"user", user(1)}}, std::nullopt});
    ASSERT_FALSE(queued);
    EXPECT_FALSE(queued.error().field.empty());
    EXPECT_TRUE(store.list({})->empty());
}

TEST_F(NotifierTest, FanOutQueuesOneMessagePerWatcher) {
    std::vector<std::string> woken_for;
    notifier.on_queued([&](std::string_view sender) { woken_for.emplace_back(sender); });
    auto queued = notifier.fan_out(view_status_batch(100));
    ASSERT_TRUE(queued) << queued.error().describe();
    EXPECT_EQ(queued->size(), 100u);
    outbox::ListFilter all;
    all.limit = 1000;
    const auto stored = *store.list(all);
    ASSERT_EQ(stored.size(), 100u);
    EXPECT_EQ(stored[0].priority, outbox::priority::low);
    EXPECT_EQ(woken_for, std::vector<std::string>{stored[0].message.envelope.sender})
        << "one wake-up for the batch's one sender";
}

TEST_F(NotifierTest, FanOutWithOneBadRecipientStoresNothing) {
    std::vector<Notification> batch{
        {"view_status_changed",
         {{"user", user(1)}, {"ticker", "AAPL"}, {"old_status", "BUY"}, {"new_status", "SELL"}},
         std::nullopt},
        {"view_status_changed",
         {{"user", {{"id", "2"}, {"email", "not an address"}}},
          {"ticker", "AAPL"},
          {"old_status", "BUY"},
          {"new_status", "SELL"}},
         std::nullopt}};
    EXPECT_FALSE(notifier.fan_out(batch));
    EXPECT_TRUE(store.list({})->empty());
}

// Large enough to be rendered on several threads (notifier.cpp): the messages still match their
// watchers one to one, in order, and the first bad one in order is the one reported.
TEST_F(NotifierTest, ALargeFanOutKeepsEachMessageWithItsWatcherInOrder) {
    constexpr int watchers = 1000;
    auto queued = notifier.fan_out(view_status_batch(watchers));
    ASSERT_TRUE(queued) << queued.error().describe();
    ASSERT_EQ(queued->size(), static_cast<std::size_t>(watchers));
    for (int n = 0; n < watchers; ++n) {
        auto stored = **store.get((*queued)[static_cast<std::size_t>(n)].id);
        ASSERT_EQ(stored.message.envelope.recipients,
                  (std::vector<std::string>{"user" + std::to_string(n) + "@example.com"}));
        ASSERT_EQ(stored.idempotency_key, "fan:" + std::to_string(n));
    }
}

TEST_F(NotifierTest, ALargeFanOutReportsItsFirstBadRecipientAndStoresNothing) {
    auto batch = view_status_batch(1000);
    batch[700].data["user"]["email"] = "first bad@";
    batch[900].data["user"]["email"] = "second bad@";
    auto queued = notifier.fan_out(batch);
    ASSERT_FALSE(queued);
    EXPECT_NE(queued.error().message.find("first bad@"), std::string::npos)
        << queued.error().message;
    EXPECT_TRUE(store.list({})->empty());
}

TEST_F(NotifierTest, CountsEachNewlyStoredMessageOnceAndNotIdempotentReplays) {
    std::vector<std::string> accepted;
    notifier.on_accepted([&](std::string_view event) { accepted.emplace_back(event); });
    ASSERT_TRUE(notifier.notify({"welcome", {{"user", user(1)}}, "once"}));
    ASSERT_TRUE(notifier.notify({"welcome", {{"user", user(1)}}, "once"}));
    ASSERT_TRUE(notifier.fan_out(view_status_batch(3)));
    ASSERT_TRUE(notifier.fan_out(view_status_batch(3)));
    EXPECT_EQ(accepted, (std::vector<std::string>{"welcome", "view_status_changed",
                                                  "view_status_changed", "view_status_changed"}));
}

}  // namespace
}  // namespace txmail::service
