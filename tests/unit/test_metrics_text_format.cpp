// The text exposition format's details: number formatting and escaping.
#include "txmail/metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace txmail::metrics {
namespace {

TEST(MetricsTextFormat, FormatsNumbersAsPrometheusParsesThem) {
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(42), "42");
    EXPECT_EQ(format_value(-3), "-3");
    EXPECT_EQ(format_value(0.0025), "0.0025");
    EXPECT_EQ(format_value(0.0005), "0.0005");
    EXPECT_EQ(format_value(0.00042448), "0.00042448");
    EXPECT_EQ(format_value(30), "30");
    EXPECT_EQ(format_value(1e300), "1e+300");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsTextFormat, EscapesLabelValuesAndHelpText) {
    EXPECT_EQ(escape_label_value(R"(a\b"c)"
                                 "\nd"),
              R"(a\\b\"c\nd)");
    // HELP keeps double quotes as they are; only backslash and newline are escaped.
    EXPECT_EQ(escape_help("say \"hi\"\\\nbye"), R"(say "hi"\\\nbye)");
}

TEST(MetricsTextFormat, WritesHistogramBucketsCumulativelyThenSumAndCount) {
    Histogram histogram({0.5, 1});
    histogram.observe(0.25);
    histogram.observe(0.75);
    histogram.observe(5);
    const std::vector<std::string> labels{"backend"}, values{"smtp"};
    std::string out;
    append_samples(out, "send_seconds", labels, values, histogram);
    EXPECT_EQ(out,
              "send_seconds_bucket{backend=\"smtp\",le=\"0.5\"} 1\n"
              "send_seconds_bucket{backend=\"smtp\",le=\"1\"} 2\n"
              "send_seconds_bucket{backend=\"smtp\",le=\"+Inf\"} 3\n"
              "send_seconds_sum{backend=\"smtp\"} 6\n"
              "send_seconds_count{backend=\"smtp\"} 3\n");
}

}  // namespace
}  // namespace txmail::metrics
