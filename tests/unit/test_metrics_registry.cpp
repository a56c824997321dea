// The registry: exposition of every family in order, label sets, scrape hooks, name checks, and
// increments from many threads at once while scrapes run (the totals prove no
// increment is lost).
#include "txmail/metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace txmail::metrics {
namespace {

TEST(MetricsRegistry, ExposesHelpTypeAndSamplesOrderedByLabelValues) {
    Registry registry;
    auto& sent = registry.counter("txmail_sent_total", "Messages sent.", {"event", "backend"});
    auto& depth = registry.gauge("txmail_depth", "Rows by state.\nSecond line.", {"state"});
    registry.counter("txmail_unused_total", "Nothing yet.");
    sent.with({"welcome", "smtp"}).inc();
    sent.with({"password_changed", "smtp"}).inc(2);
    sent.with({"welcome", "smtp"}).inc();
    depth.with({"que\"ued"}).set(7);

    EXPECT_EQ(registry.expose(),
              "# HELP txmail_sent_total Messages sent.\n"
              "# TYPE txmail_sent_total counter\n"
              "txmail_sent_total{event=\"password_changed\",backend=\"smtp\"} 2\n"
              "txmail_sent_total{event=\"welcome\",backend=\"smtp\"} 2\n"
              "# HELP txmail_depth Rows by state.\\nSecond line.\n"
              "# TYPE txmail_depth gauge\n"
              "txmail_depth{state=\"que\\\"ued\"} 7\n"
              "# HELP txmail_unused_total Nothing yet.\n"
              "# TYPE txmail_unused_total counter\n");
}

TEST(MetricsRegistry, AFamilyWithoutLabelsHasOneSampleOnceUsed) {
    Registry registry;
    registry.counter("failures_total", "Failures.").with({}).inc();
    EXPECT_NE(registry.expose().find("\nfailures_total 1\n"), std::string::npos);
}

TEST(MetricsRegistry, ScrapeHooksRunBeforeEachExposition) {
    Registry registry;
    auto& depth = registry.gauge("depth", "Depth.");
    int scrapes = 0;
    registry.on_scrape([&] { depth.with({}).set(++scrapes * 10); });
    EXPECT_NE(registry.expose().find("depth 10\n"), std::string::npos);
    EXPECT_NE(registry.expose().find("depth 20\n"), std::string::npos);
}

TEST(MetricsRegistry, RejectsBadNamesDuplicatesReservedLabelsAndWrongLabelCounts) {
    Registry registry;
    EXPECT_THROW(registry.counter("2xx_total", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("a-b", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "x", {"__reserved"}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("h", "x", {"le"}, {1}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("h", "x", {}, {2, 1}), std::invalid_argument);
    auto& counter = registry.counter("ok_total", "x", {"a"});
    EXPECT_THROW(registry.gauge("ok_total", "x"), std::invalid_argument);
    EXPECT_THROW(counter.with({}), std::invalid_argument);
    EXPECT_THROW(counter.with({"1", "2"}), std::invalid_argument);
    EXPECT_THROW(counter.with({"1"}).inc(-1), std::invalid_argument);
}

TEST(MetricsRegistry, ConcurrentIncrementsAndObservationsAreAllCounted) {
    Registry registry;
    auto& counter = registry.counter("hits_total", "Hits.", {"route"});
    auto& histogram = registry.histogram("latency_seconds", "Latency.", {"route"}, {0.5, 1});
    constexpr int threads = 8;
    constexpr int per_thread = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const std::string route = t % 2 ? "/a" : "/b";
            for (int i = 0; i < per_thread; ++i) {
                counter.with({route}).inc();
                histogram.with({route}).observe(i % 2 ? 0.25 : 0.75);
                if (i % 1000 == 0)
                    registry.expose();  // scrapes race the writers
            }
        });
    for (auto& thread : pool)
        thread.join();
    const double half = threads / 2 * per_thread;
    EXPECT_EQ(counter.with({"/a"}).value(), half);
    EXPECT_EQ(counter.with({"/b"}).value(), half);
    const auto snapshot = histogram.with({"/a"}).snapshot();
    EXPECT_EQ(snapshot.count, static_cast<std::uint64_t>(half));
    EXPECT_EQ(snapshot.cumulative[0], static_cast<std::uint64_t>(half / 2));
    EXPECT_DOUBLE_EQ(snapshot.sum, half / 2 * 0.25 + half / 2 * 0.75);
}

}  // namespace
}  // namespace txmail::metrics
