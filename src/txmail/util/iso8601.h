// ISO 8601 / RFC 3339 timestamps in UTC ("2026-12-24T00:00:00Z"), the form DESIGN.md uses for
// dates in event data. GCC 12 has no std::format for chrono, hence these two functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace txmail {

std::string format_iso8601_utc(std::chrono::system_clock::time_point time);
std::string format_iso8601_utc_seconds(std::int64_t unix_seconds);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+HH:MM" or nothing (UTC).
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace txmail
