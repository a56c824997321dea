#include "txmail/metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace txmail::metrics {

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
    if (bounds_.empty())
        throw std::invalid_argument("a histogram needs at least one bucket bound");
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (!std::isfinite(bounds_[i]))
            throw std::invalid_argument("histogram bounds must be finite (+Inf is implicit)");
        if (i > 0 && !(bounds_[i - 1] < bounds_[i]))
            throw std::invalid_argument("histogram bounds must be strictly increasing");
    }
    buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::observe(double value) {
    if (std::isnan(value))
        return;
    // `le` is inclusive: a value equal to a bound belongs to that bound's bucket.
    const auto bucket = std::ranges::lower_bound(bounds_, value) - bounds_.begin();
    buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot snapshot{bounds_, {}, 0, sum_.load(std::memory_order_relaxed)};
    snapshot.cumulative.reserve(bounds_.size() + 1);
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        snapshot.count += buckets_[i].load(std::memory_order_relaxed);
        snapshot.cumulative.push_back(snapshot.count);
    }
    return snapshot;
}

}  // namespace txmail::metrics
