#include "txmail/transport/mailer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "support/exchange_replies.h"
#include "support/security_log_capture.h"
#include "txmail/log/log_format.h"
#include "txmail/microsoft365/diagnosis.h"
#include "txmail/microsoft365/diagnosis_text.h"
#include "txmail/transport/memory_backend.h"

namespace txmail::transport {
namespace {

mail::Message message(const std::string& to, const std::string& subject) {
    mail::Message m;
    m.from = *mail::Address::parse("Boritrader <noreply@example.com>", "from");
    m.to = {*mail::Address::parse(to, "to")};
    m.bcc = {*mail::Address::parse("audit@example.com", "bcc")};
    m.subject = subject;
    m.text = "Hello.";
    m.html = "<p>Hello.</p>";
    m.message_id = subject + "@example.com";
    return m;
}

// A backend that answers with what the test scripts, and counts how it was called.
class ScriptedBackend final : public Backend {
  public:
    std::function<SendResult(const mail::RenderedMessage&)> answer;
    int calls = 0;

    std::string_view name() const override { return "scripted"; }
    std::vector<SendResult> send_messages(
        std::span<const mail::RenderedMessage> messages) override {
        ++calls;
        std::vector<SendResult> out;
        for (const auto& m : messages)
            out.push_back(answer(m));
        return out;
    }
};

Error exchange_refusal() {
    return testing::tenant_smtp_auth_disabled(
        "the server refused the credentials of noreply@example.com");
}

struct JsonLog {
    JsonLog() { log::configure_logging(log::LogFormat::json); }
    ~JsonLog() { log::configure_logging(log::LogFormat::text); }
};

TEST(Mailer, LogsOneLinePerAcceptedMessage) {
    MemoryOutbox outbox;
    Mailer mailer(std::make_unique<MemoryBackend>(outbox));
    JsonLog json;
    testing::SecurityLogCapture capture;

    auto result = mailer.send(message("user@example.com", "Welcome"));
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_EQ(outbox.size(), 1u);
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 1u);
    const auto line = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(line["logger"], "security");
    EXPECT_EQ(line["level"], "info");
    EXPECT_EQ(line["event"], "send");
    EXPECT_EQ(line["backend"], "memory");
    EXPECT_EQ(line["from"], "noreply@example.com");
    EXPECT_EQ(line["to"], (nlohmann::json{"user@example.com", "audit@example.com"}));
    EXPECT_EQ(line["subject"], "Welcome");
    EXPECT_EQ(line["message_id"], "Welcome@example.com");
    EXPECT_EQ(line["outcome"], "sent");
}

TEST(Mailer, SendReportsTheServersRefusalAndLogsItWithTheDiagnosis) {
    auto backend = std::make_unique<ScriptedBackend>();
    backend->answer = [](const mail::RenderedMessage&) { return fail(exchange_refusal()); };
    Mailer mailer(std::move(backend));
    JsonLog json;
    testing::SecurityLogCapture capture;

    auto result = mailer.send(message("user@example.com", "Receipt"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, 535);
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 1u);
    const auto line = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["outcome"], "permanent");
    EXPECT_EQ(line["code"], 535);
    EXPECT_EQ(line["enhanced_status"], "5.7.139");
    EXPECT_EQ(line["reply"], exchange_refusal().reply);
    const auto diagnosis = microsoft365::diagnose(exchange_refusal());
    ASSERT_TRUE(diagnosis) << "the diagnosis knowledge base should know this reply";
    EXPECT_EQ(line["diagnosis"], microsoft365::format_diagnosis_line(*diagnosis));
}

TEST(Mailer, ABatchGoesToTheBackendInOneCallAndResultsKeepTheCallersOrder) {
    auto backend = std::make_unique<ScriptedBackend>();
    ScriptedBackend& scripted = *backend;
    scripted.answer = [](const mail::RenderedMessage& m) -> SendResult {
        return Accepted{m.message_id, "250 ok"};
    };
    Mailer mailer(std::move(backend));
    testing::SecurityLogCapture capture;

    std::vector<mail::Message> batch = {message("a@example.com", "One"),
                                        message("b@example.com", "Two"),
                                        message("c@example.com", "Three")};
    batch[1].headers.push_back({"X-Bad", "line\r\nbreak"});  // cannot be rendered
    auto results = mailer.send_messages(batch);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(scripted.calls, 1);
    ASSERT_TRUE(results[0]);
    EXPECT_EQ(results[0]->message_id, "One@example.com");
    ASSERT_FALSE(results[1]);
    EXPECT_EQ(results[1].error().kind, ErrorKind::permanent);
    ASSERT_TRUE(results[2]);
    EXPECT_EQ(results[2]->message_id, "Three@example.com");
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(capture.text().find("subject=Two"), std::string::npos);
    EXPECT_NE(capture.text().find("outcome=permanent"), std::string::npos);
}

TEST(Mailer, SendSafeNeverThrowsAndStillLogs) {
    auto backend = std::make_unique<ScriptedBackend>();
    backend->answer = [](const mail::RenderedMessage&) -> SendResult {
        throw std::runtime_error("socket exploded");
    };
    Mailer mailer(std::move(backend));
    testing::SecurityLogCapture capture;

    SendResult result;
    EXPECT_NO_THROW(result = mailer.send_safe(message("user@example.com", "Safe")));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::internal);
    EXPECT_NE(result.error().message.find("socket exploded"), std::string::npos);
    ASSERT_EQ(capture.lines().size(), 1u);
    EXPECT_NE(capture.text().find("outcome=internal"), std::string::npos);
}

TEST(Mailer, SendsRenderedMessagesAsTheyAre) {
    MemoryOutbox outbox;
    Mailer mailer(std::make_unique<MemoryBackend>(outbox));
    testing::SecurityLogCapture capture;
    auto rendered = mail::prepare(message("user@example.com", "Stored"));
    ASSERT_TRUE(rendered);
    ASSERT_TRUE(mailer.send(*rendered));
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(outbox.messages().front().bytes, rendered->bytes);
    EXPECT_EQ(capture.lines().size(), 1u);
}

}  // namespace
}  // namespace txmail::transport
