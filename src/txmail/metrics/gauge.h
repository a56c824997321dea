// A Prometheus gauge: a value that is set (a queue depth read at scrape time) or moves both ways.
// Every operation is one atomic, safe from any thread.
#pragma once

#include <atomic>

namespace txmail::metrics {

class Gauge {
  public:
    void set(double value) { value_.store(value, std::memory_order_relaxed); }
    void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

}  // namespace txmail::metrics
