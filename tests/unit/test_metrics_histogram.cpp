// Histogram bucket arithmetic: inclusive upper bounds, cumulative counts, +Inf, sum, NaN.
#include "txmail/metrics/histogram.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

namespace txmail::metrics {
namespace {

TEST(MetricsHistogram, CountsEachObservationInTheFirstBucketWhoseBoundIsNotBelowIt) {
    Histogram histogram({0.001, 0.01, 0.1});
    for (double value : {0.0005, 0.001, 0.002, 0.01, 0.05, 0.1, 0.2, 30.0})
        histogram.observe(value);
    const auto snapshot = histogram.snapshot();
    // le=0.001 holds 0.0005 and 0.001 (bounds are inclusive); +Inf holds everything.
    EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{2, 4, 6, 8}));
    EXPECT_EQ(snapshot.count, 8u);
    EXPECT_DOUBLE_EQ(snapshot.sum, 0.0005 + 0.001 + 0.002 + 0.01 + 0.05 + 0.1 + 0.2 + 30.0);
}

TEST(MetricsHistogram, NegativeValuesGoToTheFirstBucketAndNanIsDropped) {
    Histogram histogram({1, 2});
    histogram.observe(-5);
    histogram.observe(std::numeric_limits<double>::quiet_NaN());
    histogram.observe(std::numeric_limits<double>::infinity());
    const auto snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{1, 1, 2}));
    EXPECT_EQ(snapshot.count, 2u);
}

TEST(MetricsHistogram, RejectsBoundsThatAreEmptyUnsortedRepeatedOrInfinite) {
    EXPECT_THROW(Histogram({}), std::invalid_argument);
    EXPECT_THROW(Histogram({0.1, 0.01}), std::invalid_argument);
    EXPECT_THROW(Histogram({0.1, 0.1}), std::invalid_argument);
    EXPECT_THROW(Histogram({0.1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

}  // namespace
}  // namespace txmail::metrics
