#include "txmail/microsoft365/token_cache.h"

#include <algorithm>
#include <exception>

namespace txmail::microsoft365 {

using std::chrono::milliseconds;

TokenClock::time_point refresh_due(TokenClock::time_point obtained, std::chrono::seconds lifetime) {
    const milliseconds life = lifetime;
    const milliseconds margin =
        std::max(life / 5, std::min<milliseconds>(std::chrono::minutes(5), life / 2));
    return obtained + (life - margin);
}

TokenCache::TokenCache(Fetch fetch, Now now) : fetch_(std::move(fetch)), now_(std::move(now)) {}

bool TokenCache::usable(const std::optional<Cached>& cached, TokenClock::time_point now) const {
    return cached && now < cached->expires_at;
}

std::uint64_t TokenCache::fetches() const {
    std::lock_guard lock(mutex_);
    return fetches_;
}

Result<std::string> TokenCache::token() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (cached_ && now_() < cached_->refresh_at)
            return cached_->access_token;
        if (!fetching_)
            break;
        // Someone else is fetching: the current token serves until it really expires.
        if (usable(cached_, now_()))
            return cached_->access_token;
        fetched_.wait(lock, [this] { return !fetching_; });
        if (last_error_ && !usable(cached_, now_()))
            return fail(*last_error_);
        if (cached_)
            return cached_->access_token;
        // The new token was invalidated already: go round and fetch (or wait) again.
    }

    fetching_ = true;
    ++fetches_;
    lock.unlock();
    const auto started = now_();  // the lifetime counts from the request, to stay on the safe side
    Result<IssuedToken> issued = fail(Error::internal("token fetch did not run"));
    try {
        issued = fetch_();
    } catch (const std::exception& e) {
        issued = fail(Error::internal(std::string("token fetch failed: ") + e.what()));
    }
    lock.lock();
    fetching_ = false;
    fetched_.notify_all();

    if (!issued) {
        last_error_ = issued.error();
        if (usable(cached_, now_()))
            return cached_->access_token;
        return fail(issued.error());
    }
    last_error_.reset();
    cached_ = Cached{.access_token = issued->access_token,
                     .refresh_at = refresh_due(started, issued->lifetime),
                     .expires_at = started + issued->lifetime};
    return cached_->access_token;
}

void TokenCache::invalidate(const std::string& rejected_token) {
    std::lock_guard lock(mutex_);
    if (cached_ && cached_->access_token == rejected_token)
        cached_.reset();
}

}  // namespace txmail::microsoft365
