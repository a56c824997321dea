// The set of metric families one process exposes, and their exposition in the Prometheus text
// format (text_format.h). Families are registered at start-up (a bad or duplicate name, or a
// label name Prometheus reserves, is a bug and throws std::invalid_argument) and live as long as
// the registry; the references returned stay valid. expose() first runs the scrape hooks (values
// read from elsewhere at scrape time, such as a queue depth from the store), then writes every
// family in registration order. Thread-safe; knows nothing of HTTP or of what it counts.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "txmail/metrics/counter.h"
#include "txmail/metrics/family.h"
#include "txmail/metrics/gauge.h"
#include "txmail/metrics/histogram.h"

namespace txmail::metrics {

class Registry {
  public:
    Family<Counter>& counter(std::string name, std::string help,
                             std::vector<std::string> labels = {});
    Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
    Family<Histogram>& histogram(std::string name, std::string help,
                                 std::vector<std::string> labels, std::vector<double> bounds);

    // Run by every expose() before writing; a hook that throws is a bug (it propagates).
    void on_scrape(std::function<void()> hook);
    std::string expose() const;

  private:
    template <class Instrument>
    Family<Instrument>& add(std::string name, std::string help, std::string_view type,
                            std::vector<std::string> labels,
                            typename Family<Instrument>::Make make);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<FamilyBase>> families_;
    std::vector<std::function<void()>> hooks_;
};

}  // namespace txmail::metrics
