// Durations in settings and in human messages: "500ms", "1s", "2.5s", "1min", "1h", "24h", or a
// bare number of seconds ("30"), the way operators write them in an environment file.
//
// parse_duration names the field and the value in its error (a negative, empty or unit-less
// garbage value is refused, never read as zero). format_duration writes the short human form
// used in retry reasons and logs: "750ms", "45s", "2m 5s", "1h 30m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail {

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view field);
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace txmail
