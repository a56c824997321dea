#include "txmail/microsoft365/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

namespace txmail::microsoft365 {
namespace {

using namespace std::chrono_literals;

// A clock the test moves by hand, and a fetch that issues "token-1", "token-2", ... or fails.
struct Fixture {
    TokenClock::time_point now{std::chrono::hours(1000)};
    std::chrono::seconds lifetime = 3600s;
    std::optional<Error> failure;
    int issued = 0;

    TokenCache make() {
        return TokenCache(
            [this]() -> Result<IssuedToken> {
                if (failure)
                    return fail(*failure);
                return IssuedToken{"token-" + std::to_string(++issued), lifetime};
            },
            [this] { return now; });
    }
};

TEST(RefreshDue, AtEightyPercentOfAnHourLongToken) {
    const TokenClock::time_point t0{};
    EXPECT_EQ(refresh_due(t0, 3600s), t0 + 2880s);  // 48 min: sooner than 5 min before expiry
    EXPECT_EQ(refresh_due(t0, 5400s), t0 + 4320s);  // 90 min tokens: 72 min
}

TEST(RefreshDue, FiveMinutesBeforeExpiryWhenThatIsSooner) {
    const TokenClock::time_point t0{};
    EXPECT_EQ(refresh_due(t0, 1200s), t0 + 900s);  // 20 min token: at 15 min, not 16
}

TEST(RefreshDue, NeverBeforeHalfTheLifetimeOfAShortToken) {
    const TokenClock::time_point t0{};
    EXPECT_EQ(refresh_due(t0, 4s), t0 + 2s);
    EXPECT_EQ(refresh_due(t0, 360s), t0 + 180s);
}

TEST(TokenCache, ReusesTheTokenUntilItIsDueForRefresh) {
    Fixture f;
    auto cache = f.make();
    EXPECT_EQ(cache.token().value(), "token-1");
    f.now += 2879s;
    EXPECT_EQ(cache.token().value(), "token-1");
    EXPECT_EQ(cache.fetches(), 1u);
    f.now += 1s;
    EXPECT_EQ(cache.token().value(), "token-2");
    EXPECT_EQ(cache.fetches(), 2u);
}

TEST(TokenCache, ShortLivedTokenIsReusedThenRefreshedAfterExpiry) {
    Fixture f;
    f.lifetime = 3s;
    auto cache = f.make();
    EXPECT_EQ(cache.token().value(), "token-1");
    f.now += 1s;
    EXPECT_EQ(cache.token().value(), "token-1");
    f.now += 3s;
    EXPECT_EQ(cache.token().value(), "token-2");
}

TEST(TokenCache, FailedRefreshFallsBackToTheTokenThatHasNotExpired) {
    Fixture f;
    auto cache = f.make();
    ASSERT_EQ(cache.token().value(), "token-1");
    f.failure = Error::transient("token endpoint unreachable");
    f.now += 3000s;  // past refresh, before expiry
    EXPECT_EQ(cache.token().value(), "token-1");
    f.now += 600s;  // expired
    auto expired = cache.token();
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().message, "token endpoint unreachable");
}

TEST(TokenCache, ErrorWithoutAnyTokenIsReturnedAsIs) {
    Fixture f;
    Error refused{ErrorKind::config, "AADSTS7000215: Invalid client secret provided."};
    refused.code = 401;
    f.failure = refused;
    auto cache = f.make();
    auto token = cache.token();
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::config);
    EXPECT_EQ(token.error().code, 401);
    // Not cached: the next call asks again (the operator may have fixed the secret).
    f.failure.reset();
    EXPECT_EQ(cache.token().value(), "token-1");
}

TEST(TokenCache, InvalidateDropsOnlyTheRejectedToken) {
    Fixture f;
    auto cache = f.make();
    ASSERT_EQ(cache.token().value(), "token-1");
    cache.invalidate("token-1");
    EXPECT_EQ(cache.token().value(), "token-2");
    // A second connection reports the old token late: the new one stays.
    cache.invalidate("token-1");
    EXPECT_EQ(cache.token().value(), "token-2");
    EXPECT_EQ(cache.fetches(), 2u);
}

TEST(TokenCache, ExceptionFromTheFetchBecomesAnInternalError) {
    TokenCache cache([]() -> Result<IssuedToken> { throw std::runtime_error("boom"); });
    auto token = cache.token();
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::internal);
    EXPECT_NE(token.error().message.find("boom"), std::string::npos);
}

// Counts clock reads. TokenCache reads the clock once when it starts a fetch and once, under its
// lock, just before it waits for someone else's fetch: so "reads == callers" means every caller
// is either fetching or waiting, and the test can release the fetch knowing nobody is late.
struct CountingClock {
    std::mutex mutex;
    std::condition_variable changed;
    int reads = 0;

    TokenCache::Now now() {
        return [this] {
            {
                std::lock_guard lock(mutex);
                ++reads;
            }
            changed.notify_all();
            return TokenClock::time_point{};
        };
    }
    void wait_for(int n) {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, 30s, [&] { return reads >= n; }));
    }
};

// `callers` threads call token() at once; the fetch answers `answer` only once every caller is
// fetching or waiting. Returns what each caller got and how many fetches ran.
struct Race {
    std::vector<Result<std::string>> results;
    int fetches = 0;
};
Race race(int callers, const Result<IssuedToken>& answer) {
    CountingClock clock;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> fetches = 0;
    TokenCache cache(
        [&]() -> Result<IssuedToken> {
            ++fetches;
            released.wait();
            return answer;
        },
        clock.now());
    std::vector<std::future<Result<std::string>>> futures;
    for (int i = 0; i < callers; ++i)
        futures.push_back(std::async(std::launch::async, [&] { return cache.token(); }));
    clock.wait_for(callers);
    release.set_value();
    Race out;
    for (auto& future : futures)
        out.results.push_back(future.get());
    out.fetches = fetches.load();
    EXPECT_EQ(cache.fetches(), static_cast<std::uint64_t>(out.fetches));
    return out;
}

// Many threads asking at once start one fetch between them; every one gets its token.
TEST(TokenCache, OneFetchInFlightForConcurrentCallers) {
    Race outcome = race(8, IssuedToken{"shared", 3600s});
    for (const auto& result : outcome.results)
        EXPECT_EQ(result.value(), "shared");
    EXPECT_EQ(outcome.fetches, 1);
}

// Callers that waited on a failed fetch get its error instead of each asking again.
TEST(TokenCache, WaitersShareTheErrorOfTheFetchTheyWaitedFor) {
    Race outcome = race(5, fail(Error::transient("identity platform unavailable")));
    for (const auto& result : outcome.results) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().message, "identity platform unavailable");
    }
    EXPECT_EQ(outcome.fetches, 1);
}

}  // namespace
}  // namespace txmail::microsoft365
