// Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats):
// `# HELP name text` (backslash and newline escaped), `# TYPE name counter|gauge|histogram`, then
// one `name{label="value",...} number` line per sample. Label values escape backslash, double
// quote and newline; numbers are Go-style floats: "+Inf", "-Inf", "NaN", integers without a
// fraction, others in their shortest round-trip form ("0.0025").
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "txmail/metrics/counter.h"
#include "txmail/metrics/gauge.h"
#include "txmail/metrics/histogram.h"

namespace txmail::metrics {

inline constexpr std::string_view text_content_type = "text/plain; version=0.0.4; charset=utf-8";

std::string format_value(double value);
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type);

// One family member's sample lines; `labels` and `values` are parallel.
void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Counter& counter);
void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Gauge& gauge);
// name_bucket{...,le="…"} for each bound and +Inf, then name_sum and name_count.
void append_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const Histogram& histogram);

}  // namespace txmail::metrics
