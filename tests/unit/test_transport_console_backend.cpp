#include "txmail/transport/console_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "support/rendered_messages.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSeparator = std::string(79, '-') + "\n";

TEST(ConsoleBackend, WritesTheMessageThenASeparatorLikeDjango) {
    std::ostringstream out;
    ConsoleBackend backend(out);
    auto message = testing::rendered_message("1");
    auto results = backend.send_messages(std::span(&message, 1));
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results[0].has_value());
    EXPECT_EQ(results[0]->message_id, "msg1@example.com");
    EXPECT_EQ(results[0]->detail, "written to the console");

    std::string expected = message.bytes;
    std::erase(expected, '\r');  // shown with '\n' line endings
    EXPECT_EQ(out.str(), expected + kSeparator);
    EXPECT_THAT(out.str(), Not(HasSubstr("\r")));
}

TEST(ConsoleBackend, MessagesFromManyThreadsNeverInterleave) {
    std::ostringstream out;
    constexpr int kThreads = 4, kEach = 25;
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&out, t] {
                ConsoleBackend backend(out);  // one backend per worker, one shared stream
                for (int i = 0; i < kEach; ++i) {
                    auto message = testing::rendered_message(std::to_string(t * 100 + i));
                    backend.send_messages(std::span(&message, 1));
                }
            });
    }
    // Every block between separators is exactly one whole message.
    std::string text = out.str();
    std::size_t blocks = 0, start = 0;
    for (std::size_t end; (end = text.find(kSeparator, start)) != std::string::npos;
         start = end + kSeparator.size()) {
        std::string block = text.substr(start, end - start);
        ASSERT_TRUE(block.starts_with("From: noreply@example.com\n")) << block;
        ASSERT_EQ(std::count(block.begin(), block.end(), '\n'), 8) << block;
        ++blocks;
    }
    EXPECT_EQ(blocks, static_cast<std::size_t>(kThreads * kEach));
    EXPECT_EQ(start, text.size());
}

TEST(ConsoleBackend, AFailedStreamIsATransientError) {
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    ConsoleBackend backend(out);
    auto message = testing::rendered_message();
    auto results = backend.send_messages(std::span(&message, 1));
    ASSERT_EQ(results.size(), 1u);
    ASSERT_FALSE(results[0].has_value());
    EXPECT_EQ(results[0].error().kind, ErrorKind::transient);
}

}  // namespace
}  // namespace txmail::transport
