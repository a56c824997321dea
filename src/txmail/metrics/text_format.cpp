#include "txmail/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace txmail::metrics {
namespace {

void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quote && c == '"')
            out += "\\\"";
        else
            out += c;
    }
}

struct Label {
    std::string_view name;
    std::string_view value;
};

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   std::span<const std::string> labels, std::span<const std::string> values,
                   const Label* extra, double value) {
    out.append(name).append(suffix);
    if (!labels.empty() || extra != nullptr) {
        out += '{';
        bool first = true;
        auto label = [&](std::string_view label_name, std::string_view label_value) {
            if (!first)
                out += ',';
            first = false;
            out.append(label_name).append("=\"");
            append_escaped(out, label_value, true);
            out += '"';
        };
        for (std::size_t i = 0; i < labels.size(); ++i)
            label(labels[i], values[i]);
        if (extra != nullptr)
            label(extra->name, extra->value);
        out += '}';
    }
    out += ' ';
    out += format_value(value);
    out += '\n';
}

}  // namespace

std::string format_value(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    // Counts stay exact integers up to 2^53; print them without a fraction or exponent.
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
        char buffer[32];
        const auto end =
            std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value)).ptr;
        return std::string(buffer, end);
    }
    // Shortest round trip in %g style: "0.0005" as client libraries write it, not "5e-04".
    char buffer[64];
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general).ptr;
    return std::string(buffer, end);
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    append_escaped(out, value, true);
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    append_escaped(out, help, false);
    return out;
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
    out.append("# HELP ").append(name).append(" ");
    append_escaped(out, help, false);
    out.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Counter& counter) {
    append_sample(out, name, "", labels, values, nullptr, counter.value());
}

void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Gauge& gauge) {
    append_sample(out, name, "", labels, values, nullptr, gauge.value());
}

void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Histogram& histogram) {
    const Histogram::Snapshot snapshot = histogram.snapshot();
    for (std::size_t i = 0; i <= snapshot.bounds.size(); ++i) {
        const std::string le =
            i < snapshot.bounds.size() ? format_value(snapshot.bounds[i]) : "+Inf";
        const Label bound{"le", le};
        append_sample(out, name, "_bucket", labels, values, &bound,
                      static_cast<double>(snapshot.cumulative[i]));
    }
    append_sample(out, name, "_sum", labels, values, nullptr, snapshot.sum);
    append_sample(out, name, "_count", labels, values, nullptr,
                  static_cast<double>(snapshot.count));
}

}  // namespace txmail::metrics
