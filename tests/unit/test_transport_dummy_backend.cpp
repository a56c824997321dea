#include "txmail/transport/dummy_backend.h"

#include <gtest/gtest.h>

#include "support/rendered_messages.h"

namespace txmail::transport {
namespace {

TEST(DummyBackend, AcceptsEveryMessageAndKeepsNothing) {
    std::vector<mail::RenderedMessage> batch = {testing::rendered_message("1"),
                                                testing::rendered_message("2")};
    DummyBackend backend;
    EXPECT_EQ(backend.name(), "dummy");
    auto results = backend.send_messages(batch);
    ASSERT_EQ(results.size(), 2u);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        ASSERT_TRUE(results[i].has_value());
        EXPECT_EQ(results[i]->message_id, batch[i].message_id);
        EXPECT_EQ(results[i]->detail, "dropped by the dummy backend");
    }
}

}  // namespace
}  // namespace txmail::transport
