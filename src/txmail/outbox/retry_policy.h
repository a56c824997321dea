// The retry policy: after a failed attempt, decide when to try again or give up. Pure (no clock,
// no randomness of its own: both are passed in), so every number is tested exactly.
//
// Postfix's queue manager is the model: exponential backoff clamped to [min, max], at most N
// attempts, a maximum lifetime in the queue; one place tells temporary from permanent failures.
//   - permanent (5xx, or a diagnosis saying so) -> dead at once, the reply and diagnosis kept;
//   - transient, config, internal -> retry after min * 2^(attempt-1), times 1 + jitter * u with
//     u in [0, 1) from the jitter source, clamped to [min, max]; never earlier than the provider's
//     Retry-After; the last retry is placed at the maximum age, after which the message is dead;
//   - the sender's fault (the circuit breaker paused it): retry when the breaker probes again and
//     never dead, since no message of that sender could have been sent (DESIGN.md, 5.2.251-255).
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "txmail/microsoft365/diagnosis.h"
#include "txmail/outbox/store.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::outbox {

struct RetryConfig {
    std::chrono::milliseconds min_delay = std::chrono::minutes(1);  // TXMAIL_RETRY_MIN
    std::chrono::milliseconds max_delay = std::chrono::hours(1);    // TXMAIL_RETRY_MAX
    int max_attempts = 8;                                           // TXMAIL_RETRY_ATTEMPTS
    std::chrono::milliseconds max_age = std::chrono::hours(24);     // TXMAIL_RETRY_MAX_AGE
    double jitter = 0.5;  // spreads messages that failed together (a server outage) apart
};

// Reads the TXMAIL_RETRY_* settings over the defaults; errors name the setting and its value.
Result<RetryConfig> retry_config_from(const config::Settings& settings);

struct FailedAttempt {
    int number = 1;                                        // 1 for the first attempt
    TimePoint now{};                                       // when it failed
    TimePoint created_at{};                                // when the message was queued
    std::optional<std::chrono::milliseconds> retry_after;  // the provider asked for this wait
    std::optional<TimePoint> sender_paused_until;          // set when the sender is at fault
};

// Uniform in [0, 1).
using JitterSource = std::function<double()>;
JitterSource random_jitter();

// Outcome::retry with the next attempt time, or Outcome::dead; the reason quotes the error (and
// the diagnosis' cause when there is one) and says what was decided.
Outcome decide_retry(const Error& error, const std::optional<microsoft365::Diagnosis>& diagnosis,
                     const FailedAttempt& attempt, const RetryConfig& config,
                     const JitterSource& jitter);

}  // namespace txmail::outbox
