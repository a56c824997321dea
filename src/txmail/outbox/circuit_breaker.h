// The sender circuit breaker. Exchange Online blocks a mailbox from SMTP AUTH for a while when it
// keeps producing the same error (550 5.2.251-5.2.255), and a refused login (535) fails every
// message alike (DESIGN.md), so after a systemic failure the dispatcher stops sending as that
// sender instead of burning through its queue:
//
//   closed --(failures_to_open systemic failures in a row)--> open (paused until probe_at)
//   open --(probe_at reached: allow() lets exactly one send through)--> half_open
//   half_open --(the sender works: accepted, or a failure about that message only)--> closed
//   half_open --(systemic again)--> open, pause doubled up to max_pause
//   half_open --(inconclusive, e.g. the network)--> open, same pause
//
// Messages of a paused sender stay queued (retry_policy.h). Time is passed in; thread-safe.
// snapshot() feeds `txmail outbox stats` (through the store) and the metrics.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/outbox/store.h"

namespace txmail::config {
class Settings;
}

namespace txmail::outbox {

struct BreakerConfig {
    int failures_to_open = 1;  // one systemic reply already says every message would fail
    std::chrono::milliseconds first_pause = std::chrono::minutes(1);  // TXMAIL_SENDER_PAUSE_MIN
    std::chrono::milliseconds max_pause = std::chrono::minutes(30);   // TXMAIL_SENDER_PAUSE_MAX
};

// Reads TXMAIL_SENDER_PAUSE_MIN and TXMAIL_SENDER_PAUSE_MAX; errors name the setting and value.
Result<BreakerConfig> breaker_config_from(const config::Settings& settings);

enum class BreakerState { closed, open, half_open };
std::string_view to_string(BreakerState state);

struct SenderBreaker {
    std::string sender;
    BreakerState state = BreakerState::closed;
    int failures = 0;                   // systemic failures in a row
    std::chrono::milliseconds pause{};  // the current pause (doubles while probes fail)
    TimePoint probe_at{};               // open: when the next probe may go
    std::string reason;                 // the failure (and diagnosis) that paused the sender
};

class CircuitBreaker {
  public:
    explicit CircuitBreaker(BreakerConfig config = {});

    // Whether a send as `sender` may start now. An open breaker whose probe time has come lets
    // this one call through and becomes half-open until its result is reported.
    bool allow(const std::string& sender, TimePoint now);

    enum class Change { none, opened, reopened, closed };
    // A failure that is the sender's (authentication, authorization, quota, blocked mailbox).
    // opened/reopened: the caller logs the reason (once) and persists the pause. at_least: the
    // provider's Retry-After; the probe waits for it even beyond max_pause.
    Change on_systemic_failure(const std::string& sender, TimePoint now, const std::string& reason,
                               std::chrono::milliseconds at_least = {});
    // The server judged a message (accepted it or refused that message only): closes.
    Change on_sender_ok(const std::string& sender);
    // Neither (connection refused, timeout): a probe in flight goes back to open, same pause.
    Change on_inconclusive(const std::string& sender, TimePoint now);

    // Restores a pause persisted by an earlier process, so a restart does not hammer the server.
    void restore(const std::string& sender, TimePoint probe_at, const std::string& reason);

    // Senders no send may start for at `now`: open before their probe time, or half-open.
    std::set<std::string> paused(TimePoint now) const;
    // Whether this one is.
    bool pauses(std::string_view sender, TimePoint now) const;
    // The earliest probe time among open breakers; nullopt when none is open.
    std::optional<TimePoint> next_probe() const;
    // The sender's state (closed with no failures when never seen).
    SenderBreaker state(const std::string& sender) const;
    // Every sender that is not closed.
    std::vector<SenderBreaker> snapshot() const;

  private:
    void open(SenderBreaker& breaker, TimePoint now, std::chrono::milliseconds pause,
              std::chrono::milliseconds at_least);

    BreakerConfig config_;
    mutable std::mutex mutex_;
    std::map<std::string, SenderBreaker, std::less<>> senders_;
};

}  // namespace txmail::outbox
