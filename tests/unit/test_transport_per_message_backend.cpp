#include "txmail/transport/per_message_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "support/rendered_messages.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;

// Throws for message "2", refuses message "3", accepts the rest.
class PickyBackend : public PerMessageBackend {
  public:
    std::string_view name() const override { return "picky"; }

  protected:
    Result<std::string> deliver(const mail::RenderedMessage& message) override {
        if (message.message_id.starts_with("msg2@"))
            throw std::runtime_error("disk on fire");
        if (message.message_id.starts_with("msg3@"))
            return fail(Error::permanent("refused"));
        return "ok " + message.subject;
    }
};

TEST(PerMessageBackend, OneResultPerMessageInOrderAndExceptionsStayInTheirMessage) {
    std::vector<mail::RenderedMessage> batch;
    for (std::string id : {"1", "2", "3", "4"})
        batch.push_back(testing::rendered_message(id));
    PickyBackend backend;
    auto results = backend.send_messages(batch);
    ASSERT_EQ(results.size(), 4u);

    ASSERT_TRUE(results[0].has_value());
    EXPECT_EQ(results[0]->message_id, "msg1@example.com");
    EXPECT_EQ(results[0]->detail, "ok Subject 1");

    ASSERT_FALSE(results[1].has_value());
    EXPECT_EQ(results[1].error().kind, ErrorKind::internal);
    EXPECT_THAT(results[1].error().message, HasSubstr("picky failed: disk on fire"));

    ASSERT_FALSE(results[2].has_value());
    EXPECT_EQ(results[2].error().kind, ErrorKind::permanent);

    ASSERT_TRUE(results[3].has_value());
    EXPECT_EQ(results[3]->detail, "ok Subject 4");
}

TEST(PerMessageBackend, EmptyBatchIsNoResults) {
    PickyBackend backend;
    EXPECT_TRUE(backend.send_messages({}).empty());
}

}  // namespace
}  // namespace txmail::transport
