#include "txmail/metrics/counter.h"

#include <stdexcept>
#include <string>

namespace txmail::metrics {

void Counter::inc(double by) {
    // Prometheus' rate() reads any decrease as a restart: a negative increment is a bug.
    if (!(by >= 0))
        throw std::invalid_argument("a counter cannot go down (increment " + std::to_string(by) +
                                    ")");
    value_.fetch_add(by, std::memory_order_relaxed);
}

}  // namespace txmail::metrics
