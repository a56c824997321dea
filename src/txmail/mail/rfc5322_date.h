// The Date header value (RFC 5322 section 3.3): "Tue, 03 Mar 2026 10:00:00 +0000", always in UTC,
// English day and month names whatever the locale.
#pragma once

#include <chrono>
#include <string>

namespace txmail::mail {

std::string format_rfc5322_date(std::chrono::system_clock::time_point time);

}  // namespace txmail::mail
