#include "txmail/outbox/retry_policy.h"

#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 20000);

JitterSource fixed(double u) {
    return [u] { return u; };
}

Error transient_451() {
    Error error = Error::transient("the server refused for now");
    error.code = 451;
    error.enhanced_status = "4.7.0";
    error.reply = "451 4.7.0 Temporary server error. Please try again later.";
    return error;
}

Error permanent_550() {
    Error error = Error::permanent("recipient rejected");
    error.code = 550;
    error.enhanced_status = "5.1.1";
    error.reply = "550 5.1.1 <nobody@example.com>: Recipient address rejected";
    return error;
}

FailedAttempt attempt(int number, TimePoint created = t0) {
    return {.number = number, .now = t0, .created_at = created};
}

TEST(RetryPolicy, FirstTransientFailureWaitsTheMinimum) {
    const Outcome outcome = decide_retry(transient_451(), std::nullopt, attempt(1), {}, fixed(0));
    EXPECT_EQ(outcome.kind, Outcome::Kind::retry);
    EXPECT_EQ(outcome.next_attempt_at, t0 + 60s);
    EXPECT_NE(outcome.reason.find("451 4.7.0"), std::string::npos) << outcome.reason;
    EXPECT_NE(outcome.reason.find("attempt 1 of 8, next in 1m"), std::string::npos)
        << outcome.reason;
}

TEST(RetryPolicy, BackoffDoublesWithJitterOnTop) {
    // attempt 3: 1 min * 2^2 = 4 min, times 1 + 0.5 * 0.5 = 5 min.
    const Outcome outcome = decide_retry(transient_451(), std::nullopt, attempt(3), {}, fixed(0.5));
    EXPECT_EQ(outcome.next_attempt_at, t0 + 5min);
    // attempt 4: 8 min times 1 + 0.5 * 0.75 = 11 min.
    const Outcome high = decide_retry(transient_451(), std::nullopt, attempt(4), {}, fixed(0.75));
    EXPECT_EQ(high.next_attempt_at, t0 + 11min);
}

TEST(RetryPolicy, DelayIsClampedToTheMaximum) {
    // attempt 7: 64 min > 1 h.
    const Outcome outcome = decide_retry(transient_451(), std::nullopt, attempt(7), {}, fixed(0));
    EXPECT_EQ(outcome.next_attempt_at, t0 + 1h);
    RetryConfig config;
    config.max_delay = 90s;
    const Outcome small = decide_retry(transient_451(), std::nullopt, attempt(2), config, fixed(0));
    EXPECT_EQ(small.next_attempt_at, t0 + 90s);
}

TEST(RetryPolicy, PermanentFailureIsDeadAtOnceWithTheReply) {
    const Outcome outcome = decide_retry(permanent_550(), std::nullopt, attempt(1), {}, fixed(0));
    EXPECT_EQ(outcome.kind, Outcome::Kind::dead);
    EXPECT_NE(outcome.reason.find("rejected permanently"), std::string::npos) << outcome.reason;
    EXPECT_NE(outcome.reason.find("Recipient address rejected"), std::string::npos)
        << outcome.reason;
}

TEST(RetryPolicy, DiagnosisCauseIsQuotedAndItsKindWins) {
    // Exchange's 5.2.251-5.2.255 are 550 replies that only last until the block lifts.
    Error error = Error::permanent("blocked");
    error.code = 550;
    error.enhanced_status = "5.2.252";
    microsoft365::Diagnosis diagnosis;
    diagnosis.cause = "The mailbox may not send as this sender.";
    diagnosis.kind = ErrorKind::transient;
    const Outcome retried = decide_retry(error, diagnosis, attempt(1), {}, fixed(0));
    EXPECT_EQ(retried.kind, Outcome::Kind::retry);
    EXPECT_NE(retried.reason.find("(The mailbox may not send as this sender.)"), std::string::npos)
        << retried.reason;

    diagnosis.kind = ErrorKind::permanent;
    const Outcome killed = decide_retry(transient_451(), diagnosis, attempt(1), {}, fixed(0));
    EXPECT_EQ(killed.kind, Outcome::Kind::dead);
}

TEST(RetryPolicy, ConfigAndInternalFailuresAreRetried) {
    for (const Error& error : {Error::config("EMAIL_HOST", "no host"), Error::internal("bug")}) {
        const Outcome outcome = decide_retry(error, std::nullopt, attempt(2), {}, fixed(0));
        EXPECT_EQ(outcome.kind, Outcome::Kind::retry) << error.message;
        EXPECT_EQ(outcome.next_attempt_at, t0 + 2min);
    }
}

TEST(RetryPolicy, GivesUpAfterTheLastAttempt) {
    const Outcome seventh = decide_retry(transient_451(), std::nullopt, attempt(7), {}, fixed(0));
    EXPECT_EQ(seventh.kind, Outcome::Kind::retry);
    const Outcome eighth = decide_retry(transient_451(), std::nullopt, attempt(8), {}, fixed(0));
    EXPECT_EQ(eighth.kind, Outcome::Kind::dead);
    EXPECT_NE(eighth.reason.find("gave up after 8 attempts"), std::string::npos) << eighth.reason;
    EXPECT_NE(eighth.reason.find("451 4.7.0"), std::string::npos) << eighth.reason;
}

TEST(RetryPolicy, LastRetryLandsOnTheMaximumAgeThenDead) {
    const Outcome last =
        decide_retry(transient_451(), std::nullopt, attempt(1, t0 - 24h + 10s), {}, fixed(0));
    EXPECT_EQ(last.kind, Outcome::Kind::retry);
    EXPECT_EQ(last.next_attempt_at, t0 + 10s);
    const Outcome too_old =
        decide_retry(transient_451(), std::nullopt, attempt(2, t0 - 24h), {}, fixed(0));
    EXPECT_EQ(too_old.kind, Outcome::Kind::dead);
    EXPECT_NE(too_old.reason.find("gave up after 24h in the queue"), std::string::npos)
        << too_old.reason;
}

TEST(RetryPolicy, ProviderRetryAfterIsAFloorNotACeiling) {
    FailedAttempt long_wait = attempt(1);
    long_wait.retry_after = 10min;
    EXPECT_EQ(decide_retry(transient_451(), std::nullopt, long_wait, {}, fixed(0)).next_attempt_at,
              t0 + 10min);
    FailedAttempt short_wait = attempt(1);
    short_wait.retry_after = 5s;
    EXPECT_EQ(decide_retry(transient_451(), std::nullopt, short_wait, {}, fixed(0)).next_attempt_at,
              t0 + 60s);
}

TEST(RetryPolicy, SenderFaultKeepsTheMessageQueuedWhateverTheCount) {
    Error error = permanent_550();
    error.code = 535;
    error.enhanced_status = "5.7.3";
    FailedAttempt paused = attempt(50, t0 - 72h);
    paused.sender_paused_until = t0 + 4min;
    const Outcome outcome = decide_retry(error, std::nullopt, paused, {}, fixed(0));
    EXPECT_EQ(outcome.kind, Outcome::Kind::retry);
    EXPECT_EQ(outcome.next_attempt_at, t0 + 4min);
    EXPECT_NE(outcome.reason.find("sender paused"), std::string::npos) << outcome.reason;
}

TEST(RetryConfigFromSettings, ReadsEveryKnob) {
    const auto settings = config::Settings::from_map({{"TXMAIL_RETRY_MIN", "1s"},
                                                      {"TXMAIL_RETRY_MAX", "10s"},
                                                      {"TXMAIL_RETRY_ATTEMPTS", "3"},
                                                      {"TXMAIL_RETRY_MAX_AGE", "2h"}});
    const auto config = retry_config_from(settings);
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->min_delay, 1s);
    EXPECT_EQ(config->max_delay, 10s);
    EXPECT_EQ(config->max_attempts, 3);
    EXPECT_EQ(config->max_age, 2h);
}

TEST(RetryConfigFromSettings, DefaultsWhenUnset) {
    const auto config = retry_config_from(config::Settings::from_map({}));
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->min_delay, 1min);
    EXPECT_EQ(config->max_delay, 1h);
    EXPECT_EQ(config->max_attempts, 8);
    EXPECT_EQ(config->max_age, 24h);
}

TEST(RetryConfigFromSettings, ErrorsNameTheSettingAndValue) {
    const auto check = [](std::map<std::string, std::string> values, const std::string& field,
                          const std::string& fragment) {
        const auto config = retry_config_from(config::Settings::from_map(values));
        ASSERT_FALSE(config.has_value()) << field;
        EXPECT_EQ(config.error().field, field);
        EXPECT_NE(config.error().message.find(fragment), std::string::npos)
            << config.error().message;
    };
    check({{"TXMAIL_RETRY_MIN", "soon"}}, "TXMAIL_RETRY_MIN", "\"soon\"");
    check({{"TXMAIL_RETRY_MIN", "0"}}, "TXMAIL_RETRY_MIN", "must be at least 1ms (got \"0\")");
    check({{"TXMAIL_RETRY_MIN", "10min"}, {"TXMAIL_RETRY_MAX", "1min"}}, "TXMAIL_RETRY_MAX",
          "must not be below TXMAIL_RETRY_MIN (10m)");
    check({{"TXMAIL_RETRY_ATTEMPTS", "0"}}, "TXMAIL_RETRY_ATTEMPTS", "got 0");
}

}  // namespace
}  // namespace txmail::outbox
