// The sending limits of the provider behind the configured backend, per sender mailbox, as the
// outbox dispatcher's rate limiter uses them (DESIGN.md "Microsoft 365 facts"; Microsoft Learn
// "Exchange Online limits" and "Microsoft Graph service-specific throttling limits").
//
// Exchange Online SMTP AUTH (smtp backend, EMAIL_HOST smtp.office365.com or
// smtp-legacy.office365.com):
// 30 messages/min, 10,000 recipients per rolling 24 h, 3 concurrent connections, 1,000 recipients
// per message. Microsoft Graph (EMAIL_BACKEND=graph): 10,000 requests per 10 min, 4 concurrent
// requests, about 4 MB per request, and the mailbox's 10,000 recipients per day and 1,000 per
// message. Any other host (a local relay): no limit. EMAIL_RATE_LIMIT ("30/min", "2/s",
// "1000/h", "none") replaces the message rate only; a bad value is a config error naming it.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::microsoft365 {

// Microsoft Graph's limit on one request: "about 4 MB" (Microsoft Learn, "sendMail").
inline constexpr std::size_t graph_max_request_bytes = 4 * 1024 * 1024;

struct Rate {
    std::size_t count = 0;
    std::chrono::seconds window{0};
    friend bool operator==(const Rate&, const Rate&) = default;
};

struct ProviderLimits {
    std::string provider;                    // "Exchange Online (SMTP AUTH)", ...; "" = none
    std::optional<Rate> messages;            // per sender; nullopt = unlimited
    std::string messages_source;             // "... default" or "EMAIL_RATE_LIMIT"
    std::optional<Rate> recipients;          // per sender, rolling window
    std::optional<std::size_t> concurrency;  // connections (SMTP) or requests (Graph)
    std::optional<std::size_t> recipients_per_message;
    std::optional<std::size_t> request_bytes;  // Graph: the whole request body
};

// True for Exchange Online's SMTP AUTH submission hosts (case-insensitive).
bool is_exchange_online_smtp_host(std::string_view host);

// count/period: "30/min", "2/s", "1000/h", "10000/10min", "500/24h"; nullopt for "none". The
// period is a whole number of seconds, written as util/duration.h reads it (the leading 1 may be
// left out). The error names `setting` and the value.
Result<std::optional<Rate>> parse_rate(std::string_view text,
                                       std::string_view setting = "EMAIL_RATE_LIMIT");
std::string format_rate(const Rate& rate);  // "30/min", "10000/10min", "10000/24h"

// `backend` is the short backend name (transport::backend_name of EMAIL_BACKEND): the limits
// depend on it (graph, or smtp to an Exchange Online host), and file/console/... have none.
Result<ProviderLimits> provider_limits(const config::Settings& settings, std::string_view backend);

// "name: value" lines for `txmail config`, e.g. "messages: 30/min (Exchange Online default)".
std::vector<std::string> describe(const ProviderLimits& limits);

}  // namespace txmail::microsoft365
