#include "txmail/outbox/rate_limiter.h"

#include <gtest/gtest.h>

namespace txmail::outbox {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 20000);
const std::string sender = "noreply@example.com";

SenderLimits thirty_per_minute() {
    return {.messages_per_second = 0.5, .burst = 1, .max_concurrent = 3};
}

TEST(RateLimiter, UnlimitedGrantsEverythingAndBlocksNobody) {
    RateLimiter limiter({});
    EXPECT_TRUE(limiter.limits().unlimited());
    for (int i = 0; i < 1000; ++i)
        ASSERT_TRUE(limiter.try_acquire(sender, t0).granted);
    EXPECT_TRUE(limiter.blocked(t0).empty());
    EXPECT_FALSE(limiter.next_token(t0).has_value());
}

TEST(RateLimiter, ThirtyPerMinutePacesOneEveryTwoSeconds) {
    RateLimiter limiter(thirty_per_minute());
    ASSERT_TRUE(limiter.try_acquire(sender, t0).granted);
    limiter.release(sender);

    const auto refused = limiter.try_acquire(sender, t0 + 500ms);
    EXPECT_FALSE(refused.granted);
    EXPECT_EQ(refused.retry_at, t0 + 2s);
    EXPECT_EQ(limiter.blocked(t0 + 500ms), std::set<std::string>{sender});
    EXPECT_TRUE(limiter.blocks(sender, t0 + 500ms));
    EXPECT_FALSE(limiter.blocks("never-seen@example.com", t0 + 500ms)) << "a full bucket";
    EXPECT_EQ(limiter.next_token(t0 + 500ms), t0 + 2s);

    // Asking exactly when told succeeds, and the next token is two seconds later again.
    ASSERT_TRUE(limiter.try_acquire(sender, t0 + 2s).granted);
    limiter.release(sender);
    EXPECT_EQ(limiter.try_acquire(sender, t0 + 2s).retry_at, t0 + 4s);
    EXPECT_TRUE(limiter.blocked(t0 + 4s).empty());
    EXPECT_FALSE(limiter.blocks(sender, t0 + 4s));
}

TEST(RateLimiter, BurstAllowsBackToBackThenPaces) {
    RateLimiter limiter({.messages_per_second = 10, .burst = 5});
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(limiter.try_acquire(sender, t0).granted) << i;
        limiter.release(sender);
    }
    const auto sixth = limiter.try_acquire(sender, t0);
    EXPECT_FALSE(sixth.granted);
    EXPECT_EQ(sixth.retry_at, t0 + 100ms);
    // A long idle refills only up to the burst.
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(limiter.try_acquire(sender, t0 + 1h).granted) << i;
        limiter.release(sender);
    }
    EXPECT_FALSE(limiter.try_acquire(sender, t0 + 1h).granted);
}

TEST(RateLimiter, ConcurrencyLimitWaitsForARelease) {
    RateLimiter limiter({.max_concurrent = 3});
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(limiter.try_acquire(sender, t0).granted);
    const auto fourth = limiter.try_acquire(sender, t0);
    EXPECT_FALSE(fourth.granted);
    EXPECT_EQ(fourth.retry_at, TimePoint::max());
    EXPECT_EQ(limiter.blocked(t0), std::set<std::string>{sender});
    EXPECT_TRUE(limiter.blocks(sender, t0));
    EXPECT_FALSE(limiter.next_token(t0).has_value()) << "a concurrency wait has no token time";

    limiter.release(sender);
    EXPECT_TRUE(limiter.blocked(t0).empty());
    EXPECT_FALSE(limiter.blocks(sender, t0));
    EXPECT_TRUE(limiter.try_acquire(sender, t0).granted);
}

TEST(RateLimiter, SendersAreLimitedApart) {
    RateLimiter limiter(thirty_per_minute());
    ASSERT_TRUE(limiter.try_acquire("a@example.com", t0).granted);
    EXPECT_FALSE(limiter.try_acquire("a@example.com", t0).granted);
    EXPECT_TRUE(limiter.try_acquire("b@example.com", t0).granted);
    EXPECT_EQ(limiter.blocked(t0), (std::set<std::string>{"a@example.com", "b@example.com"}));
    limiter.release("a@example.com");
    limiter.release("b@example.com");
    EXPECT_EQ(limiter.blocked(t0 + 2s), std::set<std::string>{});
}

TEST(RateLimiter, ARefusalTakesNothing) {
    RateLimiter limiter({.messages_per_second = 1, .burst = 1, .max_concurrent = 1});
    ASSERT_TRUE(limiter.try_acquire(sender, t0).granted);
    // Refused for concurrency even though a token is back: no token is spent by asking.
    EXPECT_FALSE(limiter.try_acquire(sender, t0 + 5s).granted);
    limiter.release(sender);
    EXPECT_TRUE(limiter.try_acquire(sender, t0 + 5s).granted);
}

TEST(RateLimiter, CancelGivesTheTokenAndTheSlotBack) {
    RateLimiter limiter({.messages_per_second = 0.5, .burst = 1, .max_concurrent = 1});
    ASSERT_TRUE(limiter.try_acquire(sender, t0).granted);
    limiter.cancel(sender);
    EXPECT_TRUE(limiter.blocked(t0).empty());
    EXPECT_TRUE(limiter.try_acquire(sender, t0).granted);
    limiter.release(sender);
    EXPECT_EQ(limiter.try_acquire(sender, t0).retry_at, t0 + 2s);
}

}  // namespace
}  // namespace txmail::outbox
