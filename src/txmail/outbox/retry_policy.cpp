#include "txmail/outbox/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "txmail/outbox/setting_bounds.h"
#include "txmail/util/duration.h"

namespace txmail::outbox {

namespace {

using std::chrono::milliseconds;

std::string quoted_failure(const Error& error,
                           const std::optional<microsoft365::Diagnosis>& diagnosis) {
    std::string text = error.describe();
    if (diagnosis && !diagnosis->cause.empty())
        text += " (" + diagnosis->cause + ")";
    return text;
}

Outcome dead(std::string reason) {
    return {Outcome::Kind::dead, {}, std::move(reason)};
}

milliseconds backoff(int attempt, const RetryConfig& config, double u) {
    // 2^(attempt-1) overflows nothing in double arithmetic; the clamp below bounds the result.
    const double exponent = std::min(attempt - 1, 62);
    const double raw = static_cast<double>(config.min_delay.count()) * std::exp2(exponent) *
                       (1.0 + config.jitter * u);
    const double clamped = std::clamp(raw, static_cast<double>(config.min_delay.count()),
                                      static_cast<double>(config.max_delay.count()));
    return milliseconds(static_cast<std::int64_t>(clamped));
}

}  // namespace

Result<RetryConfig> retry_config_from(const config::Settings& settings) {
    RetryConfig config;
    for (auto [name, field] : {std::pair{"TXMAIL_RETRY_MIN", &config.min_delay},
                               std::pair{"TXMAIL_RETRY_MAX", &config.max_delay},
                               std::pair{"TXMAIL_RETRY_MAX_AGE", &config.max_age}}) {
        auto value = duration_setting(settings, name, *field);
        if (!value)
            return fail(value.error());
        *field = *value;
    }
    auto attempts = int_setting(settings, "TXMAIL_RETRY_ATTEMPTS", config.max_attempts, 1, 1000);
    if (!attempts)
        return fail(attempts.error());
    config.max_attempts = *attempts;
    if (auto ordered = require_not_below("TXMAIL_RETRY_MAX", config.max_delay, "TXMAIL_RETRY_MIN",
                                         config.min_delay);
        !ordered)
        return fail(ordered.error());
    return config;
}

JitterSource random_jitter() {
    return [] {
        thread_local std::mt19937_64 engine{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
}

Outcome decide_retry(const Error& error, const std::optional<microsoft365::Diagnosis>& diagnosis,
                     const FailedAttempt& attempt, const RetryConfig& config,
                     const JitterSource& jitter) {
    const std::string failure = quoted_failure(error, diagnosis);
    if (attempt.sender_paused_until)
        return {Outcome::Kind::retry, *attempt.sender_paused_until,
                failure + "; sender paused, kept queued for the next probe"};

    const ErrorKind kind = diagnosis && diagnosis->kind ? *diagnosis->kind : error.kind;
    if (kind == ErrorKind::permanent)
        return dead("rejected permanently: " + failure);
    if (attempt.number >= config.max_attempts)
        return dead("gave up after " + std::to_string(attempt.number) + " attempts: " + failure);
    const TimePoint deadline = attempt.created_at + config.max_age;
    if (attempt.now >= deadline)
        return dead("gave up after " + format_duration(config.max_age) +
                    " in the queue: " + failure);

    milliseconds delay = backoff(attempt.number, config, jitter());
    if (attempt.retry_after)
        delay = std::max(delay, *attempt.retry_after);
    const TimePoint next = std::min(attempt.now + delay, deadline);
    return {Outcome::Kind::retry, next,
            failure + "; attempt " + std::to_string(attempt.number) + " of " +
                std::to_string(config.max_attempts) + ", next in " +
                format_duration(std::chrono::duration_cast<milliseconds>(next - attempt.now))};
}

}  // namespace txmail::outbox
