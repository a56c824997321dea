#include "txmail/metrics/registry.h"

#include <algorithm>
#include <stdexcept>

namespace txmail::metrics {
namespace {

bool valid_name(std::string_view name, bool colons) {
    auto head = [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    };
    return !name.empty() && head(name.front()) &&
           std::ranges::all_of(name, [&](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

void check_names(const std::string& name, const std::vector<std::string>& labels, bool histogram) {
    if (!valid_name(name, true))
        throw std::invalid_argument("\"" + name + "\" is not a Prometheus metric name");
    for (const std::string& label : labels) {
        // "__" names are Prometheus' own; `le` is the histogram's bucket label.
        if (!valid_name(label, false) || label.starts_with("__") || (histogram && label == "le"))
            throw std::invalid_argument("\"" + label + "\" cannot be a label of " + name);
    }
}

}  // namespace

template <class Instrument>
Family<Instrument>& Registry::add(std::string name, std::string help, std::string_view type,
                                  std::vector<std::string> labels,
                                  typename Family<Instrument>::Make make) {
    check_names(name, labels, type == "histogram");
    std::lock_guard lock(mutex_);
    if (std::ranges::any_of(families_, [&](const auto& f) { return f->name() == name; }))
        throw std::invalid_argument("metric " + name + " is registered twice");
    auto family = std::make_unique<Family<Instrument>>(std::move(name), std::move(help), type,
                                                       std::move(labels), std::move(make));
    Family<Instrument>& added = *family;
    families_.push_back(std::move(family));
    return added;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> labels) {
    return add<Counter>(std::move(name), std::move(help), "counter", std::move(labels),
                        [] { return std::make_unique<Counter>(); });
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> labels) {
    return add<Gauge>(std::move(name), std::move(help), "gauge", std::move(labels),
                      [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> labels,
                                       std::vector<double> bounds) {
    static_cast<void>(
        Histogram{bounds});  // bad bounds throw now, at registration, not at the first observation
    return add<Histogram>(
        std::move(name), std::move(help), "histogram", std::move(labels),
        [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); });
}

void Registry::on_scrape(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    hooks_.push_back(std::move(hook));
}

std::string Registry::expose() const {
    std::lock_guard lock(mutex_);
    for (const auto& hook : hooks_)
        hook();
    std::string out;
    for (const auto& family : families_)
        family->write(out);
    return out;
}

}  // namespace txmail::metrics
