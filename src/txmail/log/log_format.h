// How log lines look: TXMAIL_LOG_FORMAT=text (people read it) or json (one JSON object per line,
// for log shippers). Applies to every logger: the default one and the `security` logger.
//
// configure_logging() is called once at start-up by programs (the CLI) after the settings are
// loaded; an unknown format is a config error naming the setting and the value. Until it is
// called, loggers use the text format.
#pragma once

#include <memory>
#include <string_view>

#include "txmail/util/error.h"

namespace spdlog {
class formatter;
}

namespace txmail::config {
class Settings;
}

namespace txmail::log {

enum class LogFormat { text, json };

Result<LogFormat> parse_log_format(std::string_view value);
// The format set by the last configure_logging() (text before any).
LogFormat current_log_format();

// What a logger's messages are: free text (the default logger), or events (the security logger):
// in json a JSON object of fields merged into the line rather than quoted as "message", in text
// shown after the logger's name.
enum class Payload { message, event };
std::unique_ptr<spdlog::formatter> make_formatter(LogFormat format,
                                                  Payload payload = Payload::message);

// Sets the format of the default logger and of the security logger.
void configure_logging(LogFormat format);
Result<void> configure_logging(const config::Settings& settings);

}  // namespace txmail::log
