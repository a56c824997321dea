// A Prometheus counter: a value that only goes up (events counted since the process started).
// inc() is one atomic add, safe from any thread; a negative increment is a bug and throws.
#pragma once

#include <atomic>

namespace txmail::metrics {

class Counter {
  public:
    void inc(double by = 1);
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

}  // namespace txmail::metrics
