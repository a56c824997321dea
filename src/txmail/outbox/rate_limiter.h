// Per-sender pacing for the dispatcher: a token bucket (messages per second, with a burst) and a
// limit on sends in flight, each kept per envelope sender. Exchange Online allows a mailbox 30
// messages a minute and 3 concurrent connections (DESIGN.md); a local relay has no limit.
//
// It never sleeps and never refuses for good: try_acquire() either grants a send (one token and
// one concurrency slot taken) or says when to ask again, so a burst is queued and paced. Time is
// passed in by the caller (the dispatcher's injected clock), which makes every case testable.
// Thread-safe. A send that was granted must be followed by release() once it is over.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "txmail/outbox/store.h"

namespace txmail::outbox {

struct SenderLimits {
    std::optional<double> messages_per_second;  // nullopt: no rate limit
    double burst = 1;                           // bucket size: sends allowed back to back
    std::optional<int> max_concurrent;          // nullopt: no limit on sends in flight

    bool unlimited() const { return !messages_per_second && !max_concurrent; }
};

class RateLimiter {
  public:
    explicit RateLimiter(SenderLimits limits);

    struct Decision {
        bool granted = false;
        // When not granted: when a token will be there; TimePoint::max() when the sender waits
        // for one of its sends in flight to finish (release() is the moment to ask again).
        TimePoint retry_at{};
    };
    Decision try_acquire(const std::string& sender, TimePoint now);
    void release(const std::string& sender);
    // Undoes a grant whose send did not happen: the token and the slot are given back.
    void cancel(const std::string& sender);

    // Senders that could not start a send at `now` (for Store::lease_due's exclusion set).
    std::set<std::string> blocked(TimePoint now) const;
    // Whether this one could not.
    bool blocks(std::string_view sender, TimePoint now) const;
    // The earliest time a sender blocked by its rate gets a token again; nullopt when none is.
    std::optional<TimePoint> next_token(TimePoint now) const;

    const SenderLimits& limits() const { return limits_; }

  private:
    struct Bucket {
        double tokens = 0;
        TimePoint refilled_at{};
        int in_flight = 0;
    };
    double tokens_at(const Bucket& bucket, TimePoint now) const;
    bool blocks(const Bucket& bucket, TimePoint now) const;
    TimePoint token_time(const Bucket& bucket, TimePoint now) const;
    Bucket& bucket_for(const std::string& sender, TimePoint now);

    SenderLimits limits_;
    mutable std::mutex mutex_;
    std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace txmail::outbox
