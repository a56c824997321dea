#include "txmail/transport/memory_backend.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/rendered_messages.h"

namespace txmail::transport {
namespace {

TEST(MemoryBackend, KeepsEveryMessageInOrder) {
    MemoryOutbox outbox;
    MemoryBackend backend(outbox);
    std::vector<mail::RenderedMessage> batch = {testing::rendered_message("1"),
                                                testing::rendered_message("2")};
    auto results = backend.send_messages(batch);
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[1].has_value());
    EXPECT_EQ(results[1]->detail, "kept in memory as message 2 of the outbox");

    auto kept = outbox.messages();
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].bytes, batch[0].bytes);
    EXPECT_EQ(kept[1].envelope.recipients, batch[1].envelope.recipients);
    outbox.clear();
    EXPECT_EQ(outbox.size(), 0u);
}

TEST(MemoryBackend, DefaultBackendsShareTheProcessOutbox) {
    MemoryOutbox::shared().clear();
    MemoryBackend first, second;
    EXPECT_EQ(&first.outbox(), &MemoryOutbox::shared());
    auto message = testing::rendered_message();
    first.send_messages(std::span(&message, 1));
    second.send_messages(std::span(&message, 1));
    EXPECT_EQ(MemoryOutbox::shared().size(), 2u);
    MemoryOutbox::shared().clear();
}

TEST(MemoryBackend, SharedOutboxIsThreadSafe) {
    MemoryOutbox outbox;
    constexpr int kThreads = 4, kEach = 200;
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&outbox, t] {
                MemoryBackend backend(outbox);
                for (int i = 0; i < kEach; ++i) {
                    auto message = testing::rendered_message(std::to_string(t * 1000 + i));
                    backend.send_messages(std::span(&message, 1));
                    (void)outbox.size();  // readers run alongside writers
                }
            });
    }
    auto kept = outbox.messages();
    ASSERT_EQ(kept.size(), static_cast<std::size_t>(kThreads * kEach));
    std::set<std::string> ids;
    for (const auto& message : kept)
        ids.insert(message.message_id);
    EXPECT_EQ(ids.size(), kept.size());
}

}  // namespace
}  // namespace txmail::transport
