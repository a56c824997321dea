#include "txmail/log/security_log.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/security_log_capture.h"
#include "txmail/config/settings.h"
#include "txmail/log/log_format.h"

namespace txmail::log {
namespace {

SecurityEvent sample_event() {
    SecurityEvent event{Level::warning, "send"};
    event.add("backend", "smtp")
        .add("from", "noreply@example.com")
        .add("to", std::vector<std::string>{"a@example.com", "b@example.com"})
        .add("subject", "Your receipt")
        .add("message_id", "")
        .add("code", 450L)
        .add("reply", "450 4.2.0 Mailbox busy");
    return event;
}

// Restores the text format however a test ends.
struct FormatGuard {
    ~FormatGuard() { configure_logging(LogFormat::text); }
};

TEST(SecurityEventText, EventFirstThenFieldsInOrderEmptyOnesLeftOut) {
    EXPECT_EQ(format_security_event(sample_event(), LogFormat::text),
              "send backend=smtp from=noreply@example.com to=a@example.com,b@example.com "
              "subject=\"Your receipt\" code=450 reply=\"450 4.2.0 Mailbox busy\"");
}

TEST(SecurityEventText, AHostileValueCannotForgeFieldsOrLines) {
    SecurityEvent event{Level::info, "send"};
    event.add("subject", "Hi\r\n2026-01-01 [info] [security] send outcome=sent").add("x", "a=b");
    const std::string line = format_security_event(event, LogFormat::text);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(line,
              "send subject=\"Hi\\r\\n2026-01-01 [info] [security] send outcome=sent\" x=\"a=b\"");
}

TEST(SecurityEventJson, IsAnObjectWithTypedFields) {
    const auto json = nlohmann::json::parse(format_security_event(sample_event(), LogFormat::json));
    EXPECT_EQ(json["event"], "send");
    EXPECT_EQ(json["to"], (nlohmann::json{"a@example.com", "b@example.com"}));
    EXPECT_EQ(json["code"], 450);
    EXPECT_FALSE(json.contains("message_id"));
    EXPECT_TRUE(format_security_event(sample_event(), LogFormat::json)
                    .starts_with(R"({"event":"send","backend":"smtp",)"));
}

TEST(SecurityEventJson, InvalidUtf8IsReplacedNotThrown) {
    SecurityEvent event{Level::info, "send"};
    event.add("subject", std::string("caf\xC3", 4));
    const std::string line = format_security_event(event, LogFormat::json);
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST(SecurityLogger, IsOneRegisteredLoggerNamedSecurityForEveryThread) {
    std::vector<std::shared_ptr<spdlog::logger>> seen(4);
    std::vector<std::thread> threads;
    for (auto& slot : seen)
        threads.emplace_back([&slot] { slot = security_logger(); });
    for (auto& thread : threads)
        thread.join();
    for (const auto& logger : seen)
        EXPECT_EQ(logger, seen.front());
    EXPECT_EQ(spdlog::get("security"), seen.front());
    EXPECT_EQ(seen.front()->name(), "security");
}

TEST(SecurityLogger, WritesOneTextLinePerEvent) {
    testing::SecurityLogCapture capture;
    log_security_event(sample_event());
    log_security_event(SecurityEvent{Level::info, "send"});
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(std::regex_match(
        lines[0], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[warning\] \[security\] )"
                             R"(send backend=smtp .*)")))
        << lines[0];
}

TEST(SecurityLogger, JsonFormatIsOneObjectPerLineWithTimestampLevelAndLogger) {
    FormatGuard guard;
    testing::SecurityLogCapture capture;
    configure_logging(LogFormat::json);
    log_security_event(sample_event());
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 1u);
    const auto json = nlohmann::json::parse(lines[0]);
    EXPECT_TRUE(std::regex_match(json["ts"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_EQ(json["level"], "warning");
    EXPECT_EQ(json["logger"], "security");
    EXPECT_EQ(json["event"], "send");
    EXPECT_EQ(json["reply"], "450 4.2.0 Mailbox busy");
    EXPECT_TRUE(lines[0].starts_with(R"({"ts":")"));
}

TEST(LogFormat, ComesFromTheSettingAndRejectsUnknownValues) {
    FormatGuard guard;
    EXPECT_EQ(parse_log_format("json"), LogFormat::json);
    EXPECT_EQ(parse_log_format("text"), LogFormat::text);
    auto bad = parse_log_format("xml");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "TXMAIL_LOG_FORMAT");
    EXPECT_NE(bad.error().message.find("\"xml\""), std::string::npos);

    ASSERT_TRUE(configure_logging(config::Settings::from_map({{"TXMAIL_LOG_FORMAT", "json"}})));
    EXPECT_EQ(current_log_format(), LogFormat::json);
    EXPECT_FALSE(configure_logging(config::Settings::from_map({{"TXMAIL_LOG_FORMAT", "yaml"}})));
    EXPECT_EQ(current_log_format(), LogFormat::json);
}

TEST(LogFormat, JsonForFreeTextMessagesQuotesTheMessage) {
    auto formatter = make_formatter(LogFormat::json);
    spdlog::details::log_msg msg("outbox", spdlog::level::err, "worker 1: \"boom\"\nsecond line");
    spdlog::memory_buf_t out;
    formatter->format(msg, out);
    const std::string line(out.data(), out.size());
    ASSERT_TRUE(line.ends_with("}\n"));
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    const auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json["level"], "error");
    EXPECT_EQ(json["logger"], "outbox");
    EXPECT_EQ(json["message"], "worker 1: \"boom\"\nsecond line");
}

}  // namespace
}  // namespace txmail::log
