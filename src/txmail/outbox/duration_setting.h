// Reads a duration setting ("500ms", "30s", "5min", "1h": util/duration.h) for the outbox's
// knobs (TXMAIL_RETRY_*, TXMAIL_SENDER_PAUSE_*, TXMAIL_LEASE, TXMAIL_DISPATCH_IDLE); unset means
// the fallback. Errors are config errors naming the setting and the value.
#pragma once

#include <chrono>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::outbox {

Result<std::chrono::milliseconds> duration_setting(const config::Settings& settings,
                                                   std::string_view name,
                                                   std::chrono::milliseconds fallback);

}  // namespace txmail::outbox
