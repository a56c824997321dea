#include "txmail/outbox/dispatcher_stats.h"

namespace txmail::outbox {

std::string_view to_string(AttemptResult result) {
    switch (result) {
        case AttemptResult::sent:
            return "sent";
        case AttemptResult::retried:
            return "retried";
        case AttemptResult::dead:
            return "dead";
        case AttemptResult::held:
            return "held";
    }
    return "sent";
}

void Histogram::observe(std::chrono::duration<double> value) {
    const double seconds = value.count();
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i])
            ++counts[i];
    }
    ++count;
    sum += seconds;
}

void DispatcherStats::record(std::string_view event, std::string_view backend, AttemptResult result,
                             std::chrono::duration<double> send_duration) {
    std::lock_guard lock(mutex_);
    ++attempts_[{std::string(event), std::string(backend), result}];
    send_duration_.observe(send_duration);
}

void DispatcherStats::record_delivery(std::chrono::duration<double> latency) {
    std::lock_guard lock(mutex_);
    delivery_latency_.observe(latency);
}

DispatcherStats::Snapshot DispatcherStats::snapshot() const {
    std::lock_guard lock(mutex_);
    Snapshot out{.send_duration = send_duration_, .delivery_latency = delivery_latency_};
    for (const auto& [key, count] : attempts_) {
        const auto& [event, backend, result] = key;
        out.attempts.push_back({event, backend, result, count});
    }
    return out;
}

}  // namespace txmail::outbox
