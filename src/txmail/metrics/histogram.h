// A Prometheus histogram: observations counted into buckets with upper bounds (`le`), plus their
// sum and count. observe() is two relaxed atomic adds (its bucket, the sum), safe from any thread
// and lock-free; snapshot() returns cumulative counts as the exposition format wants them, the
// +Inf bucket last, and a count that equals the +Inf bucket (both are summed from the buckets,
// so a scrape racing an observation stays self-consistent; only the sum may lag by one value).
// NaN observations are dropped. Bounds must be finite, strictly increasing and not empty.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace txmail::metrics {

class Histogram {
  public:
    explicit Histogram(std::vector<double> bounds);  // throws std::invalid_argument

    void observe(double value);

    struct Snapshot {
        std::vector<double> bounds;             // without +Inf
        std::vector<std::uint64_t> cumulative;  // bounds.size() + 1 entries; the last is +Inf
        std::uint64_t count = 0;
        double sum = 0;
    };
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
    std::atomic<double> sum_{0};
};

}  // namespace txmail::metrics
