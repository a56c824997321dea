// Counters the dispatcher keeps for the metrics endpoint (`/metrics`, issue 7) and benchmarks:
// attempts by event, backend and result; a histogram of send durations (one backend call) and
// one of delivery latency (queued -> accepted by the server). Thread-safe; snapshot() copies.
// Paused senders are not counted here: they live in the circuit breaker (Dispatcher::paused()).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace txmail::outbox {

enum class AttemptResult {
    sent,     // accepted by the server
    retried,  // failed, scheduled again
    dead,     // failed for good
    held,     // failed because of the sender (paused): kept queued
};
std::string_view to_string(AttemptResult result);

// Cumulative histogram in Prometheus' shape: counts[i] is the number of observations <= bounds[i].
struct Histogram {
    static constexpr std::array<double, 16> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,   0.5,   1,    2.5,   10,
                                                   60,    300,    3600,  86400};  // seconds
    std::array<std::uint64_t, bounds.size()> counts{};
    std::uint64_t count = 0;  // every observation (the +Inf bucket)
    double sum = 0;           // seconds

    void observe(std::chrono::duration<double> value);
};

struct AttemptCount {
    std::string event;
    std::string backend;
    AttemptResult result = AttemptResult::sent;
    std::uint64_t count = 0;
};

class DispatcherStats {
  public:
    struct Snapshot {
        std::vector<AttemptCount> attempts;  // ordered by event, backend, result
        Histogram send_duration;
        Histogram delivery_latency;
    };

    void record(std::string_view event, std::string_view backend, AttemptResult result,
                std::chrono::duration<double> send_duration);
    void record_delivery(std::chrono::duration<double> latency);
    Snapshot snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, AttemptResult>, std::uint64_t, std::less<>>
        attempts_;
    Histogram send_duration_;
    Histogram delivery_latency_;
};

}  // namespace txmail::outbox
