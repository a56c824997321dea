#include "txmail/transport/backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/rendered_messages.h"
#include "txmail/transport/memory_backend.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;

TEST(BackendName, OurShortNames) {
    for (std::string name : {"smtp", "graph", "file", "console", "memory", "dummy"})
        EXPECT_EQ(backend_name(name).value_or("<error>"), name);
}

TEST(BackendName, DjangoDottedPaths) {
    EXPECT_EQ(backend_name("django.core.mail.backends.smtp.EmailBackend").value_or(""), "smtp");
    EXPECT_EQ(backend_name("django.core.mail.backends.console.EmailBackend").value_or(""),
              "console");
    EXPECT_EQ(backend_name("django.core.mail.backends.filebased.EmailBackend").value_or(""),
              "file");
    EXPECT_EQ(backend_name("django.core.mail.backends.locmem.EmailBackend").value_or(""), "memory");
    EXPECT_EQ(backend_name("django.core.mail.backends.dummy.EmailBackend").value_or(""), "dummy");
}

TEST(BackendName, UnknownNameIsAConfigErrorListingTheValidOnes) {
    for (std::string bad : {"sendgrid", "SMTP", "", "django.core.mail.backends.foo.EmailBackend"}) {
        auto name = backend_name(bad);
        ASSERT_FALSE(name.has_value()) << bad;
        EXPECT_EQ(name.error().kind, ErrorKind::config);
        EXPECT_EQ(name.error().field, "EMAIL_BACKEND");
        EXPECT_THAT(name.error().message, HasSubstr("\"" + bad + "\""));
        EXPECT_THAT(name.error().message, HasSubstr("smtp, graph, file, console, memory or dummy"));
    }
}

TEST(Backend, SendOneRenderedMessageReturnsItsResult) {
    MemoryOutbox outbox;
    MemoryBackend backend(outbox);
    auto result = backend.send(testing::rendered_message("7"));
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_EQ(result->message_id, "msg7@example.com");
    EXPECT_EQ(outbox.size(), 1u);
}

// A backend that breaks the contract (not one result per message) is reported, not trusted.
class MiscountingBackend : public Backend {
  public:
    std::string_view name() const override { return "miscounting"; }
    std::vector<SendResult> send_messages(std::span<const mail::RenderedMessage>) override {
        return {};
    }
};

TEST(Backend, SendReportsABackendThatReturnsNoResult) {
    MiscountingBackend backend;
    auto result = backend.send(testing::rendered_message());
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ErrorKind::internal);
    EXPECT_THAT(result.error().message, HasSubstr("miscounting returned 0 results"));
}

TEST(Backend, SendMessagePreparesItFirst) {
    mail::Message message;
    message.from = {"", "noreply", "example.com"};
    message.to = {{"Jane", "jane", "example.com"}};
    message.bcc = {{"", "audit", "example.com"}};
    message.subject = "Hello";
    message.text = "Hi Jane";
    MemoryOutbox outbox;
    MemoryBackend backend(outbox);
    auto result = backend.send(message);
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    ASSERT_EQ(outbox.size(), 1u);
    auto sent = outbox.messages().front();
    EXPECT_EQ(sent.message_id, result->message_id);
    EXPECT_EQ(sent.envelope.recipients,
              (std::vector<std::string>{"jane@example.com", "audit@example.com"}));
    EXPECT_THAT(sent.bytes, HasSubstr("Hi Jane"));
}

TEST(Backend, SendMessageReturnsTheRenderError) {
    mail::Message message;  // no recipient at all
    message.from = {"", "noreply", "example.com"};
    message.text = "nobody";
    MemoryOutbox outbox;
    MemoryBackend backend(outbox);
    auto result = backend.send(message);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(outbox.size(), 0u);
}

}  // namespace
}  // namespace txmail::transport
