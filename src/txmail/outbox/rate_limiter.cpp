#include "txmail/outbox/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace txmail::outbox {

namespace {

// A token "there" within a nanosecond counts: the wait computed below is rounded up, so asking
// again at retry_at must succeed despite floating-point rounding.
constexpr double epsilon = 1e-9;

}  // namespace

RateLimiter::RateLimiter(SenderLimits limits) : limits_(limits) {
    limits_.burst = std::max(1.0, limits_.burst);
}

double RateLimiter::tokens_at(const Bucket& bucket, TimePoint now) const {
    if (!limits_.messages_per_second)
        return limits_.burst;
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled_at).count();
    return std::min(limits_.burst,
                    bucket.tokens + std::max(0.0, elapsed) * *limits_.messages_per_second);
}

TimePoint RateLimiter::token_time(const Bucket& bucket, TimePoint now) const {
    const double missing = 1.0 - tokens_at(bucket, now);
    if (missing <= epsilon)
        return now;
    const double seconds = missing / *limits_.messages_per_second;
    return now + std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
}

RateLimiter::Bucket& RateLimiter::bucket_for(const std::string& sender, TimePoint now) {
    auto [it, inserted] = buckets_.try_emplace(sender);
    if (inserted) {
        it->second.tokens = limits_.burst;  // a sender starts with a full bucket
        it->second.refilled_at = now;
    }
    return it->second;
}

RateLimiter::Decision RateLimiter::try_acquire(const std::string& sender, TimePoint now) {
    std::lock_guard lock(mutex_);
    Bucket& bucket = bucket_for(sender, now);
    if (limits_.max_concurrent && bucket.in_flight >= *limits_.max_concurrent)
        return {false, TimePoint::max()};
    if (limits_.messages_per_second) {
        const double tokens = tokens_at(bucket, now);
        if (tokens < 1.0 - epsilon)
            return {false, token_time(bucket, now)};
        bucket.tokens = std::max(0.0, tokens - 1.0);
        bucket.refilled_at = now;
    }
    ++bucket.in_flight;
    return {true, now};
}

void RateLimiter::release(const std::string& sender) {
    std::lock_guard lock(mutex_);
    if (auto it = buckets_.find(sender); it != buckets_.end() && it->second.in_flight > 0)
        --it->second.in_flight;
}

void RateLimiter::cancel(const std::string& sender) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(sender);
    if (it == buckets_.end() || it->second.in_flight == 0)
        return;
    --it->second.in_flight;
    if (limits_.messages_per_second)
        it->second.tokens = std::min(limits_.burst, it->second.tokens + 1.0);
}

bool RateLimiter::blocks(const Bucket& bucket, TimePoint now) const {
    const bool busy = limits_.max_concurrent && bucket.in_flight >= *limits_.max_concurrent;
    const bool empty = limits_.messages_per_second && tokens_at(bucket, now) < 1.0 - epsilon;
    return busy || empty;
}

std::set<std::string> RateLimiter::blocked(TimePoint now) const {
    std::lock_guard lock(mutex_);
    std::set<std::string> senders;
    for (const auto& [sender, bucket] : buckets_)
        if (blocks(bucket, now))
            senders.insert(sender);
    return senders;
}

bool RateLimiter::blocks(std::string_view sender, TimePoint now) const {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(sender);
    return it != buckets_.end() && blocks(it->second, now);  // never seen: a full bucket
}

std::optional<TimePoint> RateLimiter::next_token(TimePoint now) const {
    std::lock_guard lock(mutex_);
    if (!limits_.messages_per_second)
        return std::nullopt;
    std::optional<TimePoint> earliest;
    for (const auto& [sender, bucket] : buckets_) {
        if (tokens_at(bucket, now) >= 1.0 - epsilon)
            continue;
        const TimePoint at = token_time(bucket, now);
        if (!earliest || at < *earliest)
            earliest = at;
    }
    return earliest;
}

}  // namespace txmail::outbox
