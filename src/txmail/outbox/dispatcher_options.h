// The dispatcher's settings: TXMAIL_WORKERS, TXMAIL_LEASE, TXMAIL_DISPATCH_IDLE, the retry policy's
// TXMAIL_RETRY_*, the breaker's TXMAIL_SENDER_PAUSE_*, and the per-sender limits of the provider
// behind EMAIL_BACKEND (microsoft365/provider_limits.h; EMAIL_RATE_LIMIT overrides the rate).
//
// Exchange Online counts connections per mailbox (3), and each worker keeps one open, so the
// number of workers is capped at the provider's concurrency limit. Messages are paced evenly
// (a bucket of one): the provider counts per minute, and a burst at the start of a minute
// followed by steady pacing would exceed its count over a sliding minute.
#pragma once

#include <optional>

#include "txmail/microsoft365/provider_limits.h"
#include "txmail/outbox/dispatcher.h"

namespace txmail::outbox {

SenderLimits sender_limits_for(const microsoft365::ProviderLimits& limits);

// Errors are config errors naming the setting and the value. `workers` (e.g. `--workers`) takes
// the place of TXMAIL_WORKERS; either is capped at the provider's concurrency limit.
Result<DispatcherOptions> dispatcher_options_from(const config::Settings& settings,
                                                  std::optional<int> workers = std::nullopt);

}  // namespace txmail::outbox
