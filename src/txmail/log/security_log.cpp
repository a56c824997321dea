#include "txmail/log/security_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "txmail/util/strings.h"

namespace txmail::log {
namespace {

// Long enough for a multi-line server reply, short enough that one line stays one screenful.
constexpr std::size_t kMaxTextValue = 4000;

bool is_empty(const FieldValue& value) {
    if (const auto* text = std::get_if<std::string>(&value))
        return text->empty();
    if (const auto* list = std::get_if<std::vector<std::string>>(&value))
        return list->empty();
    return false;
}

// Bare when it cannot be misread (no space, quote, backslash, '=' or control character), else
// quoted and escaped: a subject holding "\n... outcome=sent" stays inside its own value.
std::string text_value(std::string_view value) {
    const bool bare =
        !value.empty() && value.size() <= kMaxTextValue && std::ranges::none_of(value, [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u == 0x7f || c == '"' || c == '\\' || c == '=';
        });
    return bare ? std::string(value) : printable_quoted(value, kMaxTextValue);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty())
            out += ',';
        out += item;
    }
    return out;
}

std::string format_text(const SecurityEvent& event) {
    std::string out = text_value(event.event);
    for (const auto& [name, value] : event.fields) {
        if (is_empty(value))
            continue;
        out += ' ';
        out += name;
        out += '=';
        if (const auto* text = std::get_if<std::string>(&value))
            out += text_value(*text);
        else if (const auto* number = std::get_if<long>(&value))
            out += std::to_string(*number);
        else
            out += text_value(join(std::get<std::vector<std::string>>(value)));
    }
    return out;
}

std::string format_json(const SecurityEvent& event) {
    // ordered_json keeps "event" first and the fields in the order the caller gave.
    nlohmann::ordered_json object;
    object["event"] = event.event;
    for (const auto& [name, value] : event.fields) {
        if (is_empty(value))
            continue;
        std::visit([&, &key = name](const auto& v) { object[key] = v; }, value);
    }
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

spdlog::level::level_enum spdlog_level(Level level) {
    switch (level) {
        case Level::info:
            return spdlog::level::info;
        case Level::warning:
            return spdlog::level::warn;
        case Level::error:
            return spdlog::level::err;
    }
    return spdlog::level::err;
}

}  // namespace

SecurityEvent& SecurityEvent::add(std::string name, FieldValue value) {
    fields.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::string format_security_event(const SecurityEvent& event, LogFormat format) {
    return format == LogFormat::json ? format_json(event) : format_text(event);
}

std::shared_ptr<spdlog::logger> security_logger() {
    // A function-local static: created once, thread-safe (C++11 magic statics).
    static const std::shared_ptr<spdlog::logger> logger = [] {
        if (auto existing = spdlog::get("security"))
            return existing;
        auto created = std::make_shared<spdlog::logger>(
            "security", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        created->set_formatter(make_formatter(current_log_format(), Payload::event));
        created->set_level(spdlog::level::info);
        spdlog::register_logger(created);
        return created;
    }();
    return logger;
}

void log_security_event(const SecurityEvent& event) noexcept {
    try {
        security_logger()->log(spdlog_level(event.level), "{}",
                               format_security_event(event, current_log_format()));
    } catch (...) {
        // Logging must never fail a send (spdlog reports its own sink errors to stderr).
    }
}

}  // namespace txmail::log
