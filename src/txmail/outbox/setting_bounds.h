// Reading the outbox's numeric settings with their bounds checked (TXMAIL_RETRY_*,
// TXMAIL_SENDER_PAUSE_*, TXMAIL_LEASE, TXMAIL_DISPATCH_IDLE, TXMAIL_WORKERS...). Durations are
// written as util/duration.h reads them ("500ms", "30s", "5min", "1h"). An unset setting is the
// fallback; a malformed or out-of-range one is a config error naming the setting and the value.
#pragma once

#include <chrono>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::outbox {

Result<std::chrono::milliseconds> duration_setting(
    const config::Settings& settings, std::string_view name, std::chrono::milliseconds fallback,
    std::chrono::milliseconds minimum = std::chrono::milliseconds(1));

Result<int> int_setting(const config::Settings& settings, std::string_view name, int fallback,
                        int minimum, int maximum);

// A config error naming `upper_name` when upper < lower (a maximum below its minimum).
Result<void> require_not_below(std::string_view upper_name, std::chrono::milliseconds upper,
                               std::string_view lower_name, std::chrono::milliseconds lower);

}  // namespace txmail::outbox
