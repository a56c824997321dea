#include "txmail/outbox/circuit_breaker.h"

#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;
using Change = CircuitBreaker::Change;

const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 20000);
const std::string sender = "noreply@example.com";
const std::string auth_failed = "535 5.7.3 Authentication unsuccessful";

TEST(CircuitBreaker, ClosedAllowsEverything) {
    CircuitBreaker breaker;
    EXPECT_TRUE(breaker.allow(sender, t0));
    EXPECT_TRUE(breaker.paused(t0).empty());
    EXPECT_FALSE(breaker.next_probe().has_value());
    EXPECT_EQ(breaker.state(sender).state, BreakerState::closed);
    EXPECT_TRUE(breaker.snapshot().empty());
}

TEST(CircuitBreaker, SystemicFailureOpensOnceAndPausesOnlyThatSender) {
    CircuitBreaker breaker;
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::opened);
    // A second worker's send that started earlier fails too: still one opening, one log line.
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0 + 1s, auth_failed), Change::none);

    EXPECT_FALSE(breaker.allow(sender, t0 + 59s));
    EXPECT_TRUE(breaker.allow("other@example.com", t0 + 59s));
    EXPECT_EQ(breaker.paused(t0 + 59s), std::set<std::string>{sender});
    EXPECT_TRUE(breaker.pauses(sender, t0 + 59s));
    EXPECT_FALSE(breaker.pauses("other@example.com", t0 + 59s));
    EXPECT_EQ(breaker.next_probe(), t0 + 1min);

    const auto snapshot = breaker.snapshot();
    ASSERT_EQ(snapshot.size(), 1u);
    EXPECT_EQ(snapshot[0].sender, sender);
    EXPECT_EQ(snapshot[0].state, BreakerState::open);
    EXPECT_EQ(snapshot[0].probe_at, t0 + 1min);
    EXPECT_EQ(snapshot[0].reason, auth_failed);
    EXPECT_EQ(snapshot[0].failures, 2);
}

TEST(CircuitBreaker, ProbeLetsExactlyOneSendThrough) {
    CircuitBreaker breaker;
    breaker.on_systemic_failure(sender, t0, auth_failed);
    EXPECT_TRUE(breaker.paused(t0 + 1min).empty()) << "due for a probe: its messages may be leased";
    EXPECT_FALSE(breaker.pauses(sender, t0 + 1min));
    EXPECT_TRUE(breaker.allow(sender, t0 + 1min));
    EXPECT_EQ(breaker.state(sender).state, BreakerState::half_open);
    EXPECT_FALSE(breaker.allow(sender, t0 + 1min));
    EXPECT_EQ(breaker.paused(t0 + 1min), std::set<std::string>{sender});
    EXPECT_TRUE(breaker.pauses(sender, t0 + 1min)) << "half-open: its probe is in flight";
    EXPECT_FALSE(breaker.next_probe().has_value()) << "the probe's result is awaited, not a time";
}

TEST(CircuitBreaker, FailedProbesDoubleThePauseUpToTheMaximum) {
    CircuitBreaker breaker({.failures_to_open = 1, .first_pause = 1min, .max_pause = 5min});
    breaker.on_systemic_failure(sender, t0, auth_failed);
    TimePoint now = t0;
    for (const auto expected : {2min, 4min, 5min, 5min}) {
        now = breaker.state(sender).probe_at;
        ASSERT_TRUE(breaker.allow(sender, now));
        EXPECT_EQ(breaker.on_systemic_failure(sender, now, auth_failed), Change::reopened);
        EXPECT_EQ(breaker.state(sender).pause, expected);
        EXPECT_EQ(breaker.state(sender).probe_at, now + expected);
    }
}

TEST(CircuitBreaker, SuccessfulProbeCloses) {
    CircuitBreaker breaker;
    breaker.on_systemic_failure(sender, t0, auth_failed);
    ASSERT_TRUE(breaker.allow(sender, t0 + 1min));
    EXPECT_EQ(breaker.on_sender_ok(sender), Change::closed);
    EXPECT_EQ(breaker.state(sender).state, BreakerState::closed);
    EXPECT_TRUE(breaker.allow(sender, t0 + 1min));
    EXPECT_TRUE(breaker.snapshot().empty());
    EXPECT_EQ(breaker.on_sender_ok(sender), Change::none);
}

TEST(CircuitBreaker, InconclusiveProbeWaitsTheSamePauseAgain) {
    CircuitBreaker breaker;
    breaker.on_systemic_failure(sender, t0, auth_failed);
    ASSERT_TRUE(breaker.allow(sender, t0 + 1min));
    EXPECT_EQ(breaker.on_inconclusive(sender, t0 + 1min + 10s), Change::reopened);
    EXPECT_EQ(breaker.state(sender).pause, 1min);
    EXPECT_EQ(breaker.state(sender).probe_at, t0 + 2min + 10s);
    EXPECT_EQ(breaker.on_inconclusive("other@example.com", t0), Change::none);
}

TEST(CircuitBreaker, ProvidersRetryAfterLengthensThePause) {
    CircuitBreaker breaker({.failures_to_open = 1, .first_pause = 1min, .max_pause = 5min});
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, "429", 20min), Change::opened);
    EXPECT_EQ(breaker.state(sender).probe_at, t0 + 20min) << "beyond max_pause: the provider asked";
    EXPECT_EQ(breaker.state(sender).pause, 1min) << "the backoff itself is unchanged";
}

TEST(CircuitBreaker, ThresholdCountsFailuresInARowOnly) {
    CircuitBreaker breaker({.failures_to_open = 3});
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::none);
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::none);
    EXPECT_EQ(breaker.on_sender_ok(sender), Change::none);  // a success in between resets
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::none);
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::none);
    EXPECT_TRUE(breaker.allow(sender, t0));
    EXPECT_EQ(breaker.on_systemic_failure(sender, t0, auth_failed), Change::opened);
    EXPECT_FALSE(breaker.allow(sender, t0));
}

TEST(CircuitBreaker, RestoredPauseHoldsUntilItsProbeTime) {
    CircuitBreaker breaker;
    breaker.restore(sender, t0 + 10min, auth_failed);
    EXPECT_FALSE(breaker.allow(sender, t0 + 9min));
    EXPECT_EQ(breaker.state(sender).reason, auth_failed);
    EXPECT_TRUE(breaker.allow(sender, t0 + 10min));
}

TEST(BreakerConfigFromSettings, ReadsAndChecksThePauses) {
    const auto config = breaker_config_from(config::Settings::from_map(
        {{"TXMAIL_SENDER_PAUSE_MIN", "2s"}, {"TXMAIL_SENDER_PAUSE_MAX", "1min"}}));
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->first_pause, 2s);
    EXPECT_EQ(config->max_pause, 1min);

    const auto inverted = breaker_config_from(config::Settings::from_map(
        {{"TXMAIL_SENDER_PAUSE_MIN", "1h"}, {"TXMAIL_SENDER_PAUSE_MAX", "1min"}}));
    ASSERT_FALSE(inverted.has_value());
    EXPECT_EQ(inverted.error().field, "TXMAIL_SENDER_PAUSE_MAX");
    const auto garbage =
        breaker_config_from(config::Settings::from_map({{"TXMAIL_SENDER_PAUSE_MIN", "often"}}));
    ASSERT_FALSE(garbage.has_value());
    EXPECT_EQ(garbage.error().field, "TXMAIL_SENDER_PAUSE_MIN");
}

}  // namespace
}  // namespace txmail::outbox
