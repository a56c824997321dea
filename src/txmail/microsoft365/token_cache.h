// The caching half of a TokenSource, apart from any HTTP: it holds the current bearer token,
// decides when to fetch a new one, and lets one fetch run at a time however many connections and
// threads ask. The fetch itself (client credentials over HTTPS) is injected, and so is the clock,
// so the policy is unit-tested without a server and without sleeping.
//
// Policy: a token is refreshed once it has lived 80% of its lifetime or comes within 5 minutes of
// expiry, whichever is sooner, but never before half its lifetime (so a short-lived token is still
// reused). While a refresh runs, other callers keep using the current token if it has not expired;
// if the refresh fails, the current token is used until it expires. invalidate() drops the token
// only if it is still the rejected one, so a stale rejection cannot discard a newer token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "txmail/microsoft365/token_source.h"

namespace txmail::microsoft365 {

using TokenClock = std::chrono::steady_clock;

struct IssuedToken {
    std::string access_token;
    std::chrono::seconds lifetime{0};  // the endpoint's expires_in
};

// When a token obtained at `obtained` with `lifetime` should be replaced (see the policy above).
TokenClock::time_point refresh_due(TokenClock::time_point obtained, std::chrono::seconds lifetime);

class TokenCache final : public TokenSource {
  public:
    using Fetch = std::function<Result<IssuedToken>()>;
    using Now = std::function<TokenClock::time_point()>;

    explicit TokenCache(
        Fetch fetch, Now now = [] { return TokenClock::now(); });

    Result<std::string> token() override;
    void invalidate(const std::string& rejected_token) override;

    std::uint64_t fetches() const;  // how many fetches were started, for tests and doctor

  private:
    struct Cached {
        std::string access_token;
        TokenClock::time_point refresh_at;
        TokenClock::time_point expires_at;
    };
    bool usable(const std::optional<Cached>& cached, TokenClock::time_point now) const;

    Fetch fetch_;
    Now now_;
    mutable std::mutex mutex_;
    std::condition_variable fetched_;
    std::optional<Cached> cached_;
    bool fetching_ = false;
    std::uint64_t fetches_ = 0;
    std::optional<Error> last_error_;  // of the latest fetch, handed to the callers that waited
};

}  // namespace txmail::microsoft365
