#include "txmail/log/log_format.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "txmail/config/settings.h"
#include "txmail/log/security_log.h"
#include "txmail/util/iso8601.h"

namespace txmail::log {
namespace {

std::atomic<LogFormat> g_format{LogFormat::text};

std::string json_string(std::string_view text) {
    // Invalid UTF-8 (a hostile subject, a server's reply) is replaced, never a reason to throw.
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "2026-11-24T19:30:00.123Z": RFC 3339 in UTC with milliseconds.
std::string timestamp(std::chrono::system_clock::time_point time) {
    std::string out = format_iso8601_utc(time);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() %
        1000;
    const std::string digits = std::to_string(1000 + millis);  // "1007" -> ".007"
    out.insert(out.size() - 1, "." + digits.substr(1));        // before the "Z"
    return out;
}

class JsonFormatter final : public spdlog::formatter {
  public:
    explicit JsonFormatter(Payload payload) : payload_(payload) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        const auto level = spdlog::level::to_string_view(msg.level);
        std::string line =
            "{\"ts\":\"" + timestamp(msg.time) +
            "\",\"level\":" + json_string({level.data(), level.size()}) +
            ",\"logger\":" + json_string({msg.logger_name.data(), msg.logger_name.size()});
        if (payload_ == Payload::event && payload.size() >= 2 && payload.front() == '{' &&
            payload.back() == '}') {
            if (payload.size() > 2)
                line.append(",").append(payload.substr(1));
            else
                line += '}';
        } else {
            line += ",\"message\":" + json_string(payload) + "}";
        }
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>(payload_);
    }

  private:
    Payload payload_;
};

}  // namespace

Result<LogFormat> parse_log_format(std::string_view value) {
    if (value == "text" || value.empty())
        return LogFormat::text;
    if (value == "json")
        return LogFormat::json;
    return fail(Error::config("TXMAIL_LOG_FORMAT", "TXMAIL_LOG_FORMAT \"" + std::string(value) +
                                                       "\" is not a log format: use text or json"));
}

LogFormat current_log_format() {
    return g_format.load();
}

std::unique_ptr<spdlog::formatter> make_formatter(LogFormat format, Payload payload) {
    if (format == LogFormat::json)
        return std::make_unique<JsonFormatter>(payload);
    return std::make_unique<spdlog::pattern_formatter>(payload == Payload::event
                                                           ? "%Y-%m-%dT%H:%M:%S.%eZ [%l] [%n] %v"
                                                           : "%Y-%m-%dT%H:%M:%S.%eZ [%l] %v",
                                                       spdlog::pattern_time_type::utc);
}

void configure_logging(LogFormat format) {
    g_format.store(format);
    spdlog::default_logger()->set_formatter(make_formatter(format));
    security_logger()->set_formatter(make_formatter(format, Payload::event));
}

Result<void> configure_logging(const config::Settings& settings) {
    auto format = parse_log_format(settings.get_or("TXMAIL_LOG_FORMAT", "text"));
    if (!format)
        return fail(format.error());
    configure_logging(*format);
    return {};
}

}  // namespace txmail::log
