// The `security` logger (as the original Django app's `logging.getLogger("security")`): one line
// per security-relevant event, above all one line per message sent or refused, with who sent what
// to whom and, on failure, the server's own words.
//
// An event is a name plus ordered fields; format_security_event() renders it (pure, tested):
//   text: `send outcome=sent backend=smtp from=a@example.com to=b@example.com subject="Hi" ...`
//         (values quoted and escaped when they hold spaces, quotes or control characters, so a
//         hostile subject cannot forge a second line)
//   json: `{"event":"send","outcome":"sent","backend":"smtp","to":["b@example.com"],...}`
// and the logger's formatter adds ts, level and logger (log_format.h).
//
// Contract: callers never put secrets (passwords, tokens, client secrets) in an event; nothing
// here knows about them. The logger is created once, is thread-safe, writes to stderr and is
// registered with spdlog under the name "security".
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "txmail/log/log_format.h"

namespace spdlog {
class logger;
}

namespace txmail::log {

enum class Level { info, warning, error };

// Empty strings and lists are left out of the line; numbers are written as numbers in JSON.
using FieldValue = std::variant<std::string, long, std::vector<std::string>>;

struct SecurityEvent {
    Level level = Level::info;
    std::string event;  // "send", ...
    std::vector<std::pair<std::string, FieldValue>> fields;

    SecurityEvent& add(std::string name, FieldValue value);
};

// The message part of the line: text `event k=v ...`, or a JSON object with "event" first.
std::string format_security_event(const SecurityEvent& event, LogFormat format);

std::shared_ptr<spdlog::logger> security_logger();
// Formats with the current format (configure_logging) and writes one line. Never throws.
void log_security_event(const SecurityEvent& event) noexcept;

}  // namespace txmail::log
