#include "txmail/outbox/circuit_breaker.h"

#include <algorithm>

#include "txmail/outbox/setting_bounds.h"

namespace txmail::outbox {
namespace {

// No send may start: open before the probe time, or half-open (its probe is in flight).
bool holds(const SenderBreaker& breaker, TimePoint now) {
    return breaker.state == BreakerState::half_open ||
           (breaker.state == BreakerState::open && now < breaker.probe_at);
}

}  // namespace

Result<BreakerConfig> breaker_config_from(const config::Settings& settings) {
    BreakerConfig config;
    auto first = duration_setting(settings, "TXMAIL_SENDER_PAUSE_MIN", config.first_pause);
    if (!first)
        return fail(first.error());
    auto max = duration_setting(settings, "TXMAIL_SENDER_PAUSE_MAX", config.max_pause);
    if (!max)
        return fail(max.error());
    if (auto ordered =
            require_not_below("TXMAIL_SENDER_PAUSE_MAX", *max, "TXMAIL_SENDER_PAUSE_MIN", *first);
        !ordered)
        return fail(ordered.error());
    config.first_pause = *first;
    config.max_pause = *max;
    return config;
}

std::string_view to_string(BreakerState state) {
    switch (state) {
        case BreakerState::closed:
            return "closed";
        case BreakerState::open:
            return "open";
        case BreakerState::half_open:
            return "half-open";
    }
    return "closed";
}

CircuitBreaker::CircuitBreaker(BreakerConfig config) : config_(config) {
    config_.failures_to_open = std::max(1, config_.failures_to_open);
}

void CircuitBreaker::open(SenderBreaker& breaker, TimePoint now, std::chrono::milliseconds pause,
                          std::chrono::milliseconds at_least) {
    breaker.state = BreakerState::open;
    breaker.pause = std::clamp(pause, config_.first_pause, config_.max_pause);
    breaker.probe_at = now + std::max(breaker.pause, at_least);
}

bool CircuitBreaker::allow(const std::string& sender, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = senders_.find(sender);
    if (it == senders_.end() || it->second.state == BreakerState::closed)
        return true;
    SenderBreaker& breaker = it->second;
    if (breaker.state == BreakerState::open && now >= breaker.probe_at) {
        breaker.state = BreakerState::half_open;
        return true;
    }
    return false;
}

CircuitBreaker::Change CircuitBreaker::on_systemic_failure(const std::string& sender, TimePoint now,
                                                           const std::string& reason,
                                                           std::chrono::milliseconds at_least) {
    std::lock_guard lock(mutex_);
    SenderBreaker& breaker = senders_.try_emplace(sender).first->second;
    breaker.sender = sender;
    ++breaker.failures;
    switch (breaker.state) {
        case BreakerState::closed:
            if (breaker.failures < config_.failures_to_open)
                return Change::none;
            breaker.reason = reason;
            open(breaker, now, config_.first_pause, at_least);
            return Change::opened;
        case BreakerState::half_open:
            breaker.reason = reason;
            open(breaker, now, breaker.pause * 2, at_least);
            return Change::reopened;
        case BreakerState::open:
            // Sends that started before the breaker opened report late: already paused.
            return Change::none;
    }
    return Change::none;
}

CircuitBreaker::Change CircuitBreaker::on_sender_ok(const std::string& sender) {
    std::lock_guard lock(mutex_);
    auto it = senders_.find(sender);
    if (it == senders_.end())
        return Change::none;
    const bool was_paused = it->second.state != BreakerState::closed;
    senders_.erase(it);
    return was_paused ? Change::closed : Change::none;
}

CircuitBreaker::Change CircuitBreaker::on_inconclusive(const std::string& sender, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = senders_.find(sender);
    if (it == senders_.end() || it->second.state != BreakerState::half_open)
        return Change::none;
    open(it->second, now, it->second.pause, {});
    return Change::reopened;
}

void CircuitBreaker::restore(const std::string& sender, TimePoint probe_at,
                             const std::string& reason) {
    std::lock_guard lock(mutex_);
    SenderBreaker& breaker = senders_.try_emplace(sender).first->second;
    breaker.sender = sender;
    breaker.state = BreakerState::open;
    breaker.failures = std::max(breaker.failures, config_.failures_to_open);
    breaker.pause = config_.first_pause;
    breaker.probe_at = probe_at;
    breaker.reason = reason;
}

std::set<std::string> CircuitBreaker::paused(TimePoint now) const {
    std::lock_guard lock(mutex_);
    std::set<std::string> senders;
    for (const auto& [sender, breaker] : senders_)
        if (holds(breaker, now))
            senders.insert(sender);
    return senders;
}

bool CircuitBreaker::pauses(std::string_view sender, TimePoint now) const {
    std::lock_guard lock(mutex_);
    auto it = senders_.find(sender);
    return it != senders_.end() && holds(it->second, now);
}

std::optional<TimePoint> CircuitBreaker::next_probe() const {
    std::lock_guard lock(mutex_);
    std::optional<TimePoint> earliest;
    for (const auto& [sender, breaker] : senders_) {
        if (breaker.state == BreakerState::open && (!earliest || breaker.probe_at < *earliest))
            earliest = breaker.probe_at;
    }
    return earliest;
}

SenderBreaker CircuitBreaker::state(const std::string& sender) const {
    std::lock_guard lock(mutex_);
    if (auto it = senders_.find(sender); it != senders_.end())
        return it->second;
    return SenderBreaker{.sender = sender};
}

std::vector<SenderBreaker> CircuitBreaker::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<SenderBreaker> out;
    for (const auto& [sender, breaker] : senders_) {
        if (breaker.state != BreakerState::closed)
            out.push_back(breaker);
    }
    return out;
}

}  // namespace txmail::outbox
