// txmail's own metrics (issue 7, DESIGN.md "/metrics"): the families `txmail serve` exposes and
// the observers that feed them from the HTTP server (RequestObserver), the dispatcher
// (AttemptObserver), the notifier (each newly stored message) and the Stripe webhook handler
// (one outcome per request), plus the outbox depth by state and the Stripe events not acted on
// yet, read from the stores at each scrape.
//
// Label values come from bounded sets only: event names, backend names, outcome kinds, route
// patterns (never raw paths), HTTP methods (unknown ones become "other") and status codes. Every
// family is registered up front, so a scrape shows each one even before its first sample.
// Send durations come from Attempt::duration, which the store keeps to the millisecond.
#pragma once

#include <string>
#include <string_view>

#include "txmail/http/server.h"
#include "txmail/metrics/registry.h"
#include "txmail/outbox/dispatcher.h"
#include "txmail/outbox/store.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::http {

class ServiceMetrics {
  public:
    ServiceMetrics();
    ServiceMetrics(const ServiceMetrics&) = delete;
    ServiceMetrics& operator=(const ServiceMetrics&) = delete;

    void observe_request(const std::string& route, const std::string& method, int status,
                         double seconds);
    void observe_attempt(const outbox::StoredMessage& message, const outbox::Attempt& attempt,
                         const outbox::Outcome& outcome);
    void count_accepted(std::string_view event);
    // "invalid_signature" also counts as a signature failure.
    void count_webhook(std::string_view outcome);
    // txmail_queue_depth{state} from the store at each scrape, for outbox::queue_statuses (not
    // `sent`: txmail_messages_sent_total counts those); the store must outlive this.
    void track_queue(outbox::Store& store);
    // txmail_store_sync_duration_seconds from every sync of the store's log to disk (SQLite's
    // WAL); the store must not outlive this, or must be given another observer first.
    void track_syncs(outbox::Store& store);
    // txmail_stripe_events_received from ledger.count_received() at each scrape; the ledger must
    // outlive this.
    void track_stripe_events(service::StripeWebhookLedger& ledger);

    // The observers' shapes, bound to this object (which must outlive their users).
    RequestObserver request_observer();
    outbox::AttemptObserver attempt_observer();

    std::string expose() const { return registry_.expose(); }

  private:
    metrics::Registry registry_;
    metrics::Family<metrics::Counter>& accepted_;
    metrics::Family<metrics::Counter>& sent_;
    metrics::Family<metrics::Counter>& failed_;
    metrics::Family<metrics::Counter>& dead_;
    metrics::Family<metrics::Histogram>& send_duration_;
    metrics::Family<metrics::Gauge>& queue_depth_;
    metrics::Histogram& store_sync_duration_;
    metrics::Gauge& stripe_received_;
    metrics::Family<metrics::Counter>& http_requests_;
    metrics::Family<metrics::Histogram>& http_duration_;
    metrics::Family<metrics::Counter>& webhook_requests_;
    metrics::Counter& signature_failures_;
};

}  // namespace txmail::http
