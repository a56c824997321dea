#include "txmail/http/service_metrics.h"

#include <array>

#include <spdlog/spdlog.h>

#include "txmail/outbox/lifecycle.h"

namespace txmail::http {
namespace {

// One SMTP transaction: a local relay answers in about a millisecond, Exchange Online in tens to
// hundreds, a struggling server up to EMAIL_TIMEOUT (30 s at most by default).
std::vector<double> send_bounds() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

// An API request answers once its row is durable: an fsync away, so sub-millisecond to seconds.
std::vector<double> request_bounds() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// One fdatasync: a fraction of a millisecond on an idle SSD, tens when the disk is shared and
// busy; an answer that waits for the disk cannot be quicker than the sync it waited for.
std::vector<double> sync_bounds() {
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
}

std::string_view known_method(std::string_view method) {
    constexpr std::array<std::string_view, 7> known{"GET",   "HEAD",    "POST",  "PUT",
                                                    "PATCH", "OPTIONS", "DELETE"};
    for (std::string_view m : known)
        if (m == method)
            return m;
    return "other";
}

}  // namespace

ServiceMetrics::ServiceMetrics()
    : accepted_(registry_.counter("txmail_notifications_accepted_total",
                                  "Notifications queued (API, Stripe webhook), by event; "
                                  "idempotent replays are not counted.",
                                  {"event"})),
      sent_(registry_.counter("txmail_messages_sent_total",
                              "Messages accepted by the mail server, by event and backend.",
                              {"event", "backend"})),
      failed_(registry_.counter("txmail_messages_failed_total",
                                "Send attempts that failed and will be retried.",
                                {"event", "backend"})),
      dead_(registry_.counter("txmail_messages_dead_total",
                              "Messages that failed for good (permanent error or out of attempts).",
                              {"event", "backend"})),
      send_duration_(registry_.histogram("txmail_send_duration_seconds",
                                         "Time one backend send took, successful or not.",
                                         {"backend"}, send_bounds())),
      queue_depth_(registry_.gauge("txmail_queue_depth",
                                   "Outbox messages waiting (queued, sending, retry) or stopped "
                                   "(dead, canceled), read from the store at scrape time.",
                                   {"state"})),
      store_sync_duration_(registry_
                               .histogram("txmail_store_sync_duration_seconds",
                                          "Time one sync of the outbox store's log to disk took "
                                          "(SQLite: fdatasync of the WAL); every durable answer "
                                          "waits for one at least.",
                                          {}, sync_bounds())
                               .with({})),
      stripe_received_(registry_
                           .gauge("txmail_stripe_events_received",
                                  "Stripe events answered for (200 received) and not acted on "
                                  "yet, those waiting to be tried again included.")
                           .with({})),
      http_requests_(registry_.counter("txmail_http_requests_total",
                                       "HTTP requests answered, by route pattern, method, status.",
                                       {"route", "method", "status"})),
      http_duration_(registry_.histogram("txmail_http_request_duration_seconds",
                                         "Time from request read to response, by route pattern.",
                                         {"route"}, request_bounds())),
      webhook_requests_(registry_.counter("txmail_stripe_webhook_requests_total",
                                          "POST /webhooks/stripe requests, by outcome.",
                                          {"outcome"})),
      signature_failures_(registry_
                              .counter("txmail_stripe_webhook_signature_failures_total",
                                       "Stripe webhook requests refused for their signature.")
                              .with({})) {}

void ServiceMetrics::observe_request(const std::string& route, const std::string& method,
                                     int status, double seconds) {
    http_requests_.with({route, known_method(method), std::to_string(status)}).inc();
    http_duration_.with({route}).observe(seconds);
}

void ServiceMetrics::observe_attempt(const outbox::StoredMessage& message,
                                     const outbox::Attempt& attempt,
                                     const outbox::Outcome& outcome) {
    using Kind = outbox::Outcome::Kind;
    send_duration_.with({attempt.backend})
        .observe(std::chrono::duration<double>(attempt.duration).count());
    auto& family = outcome.kind == Kind::sent   ? sent_
                   : outcome.kind == Kind::dead ? dead_
                                                : failed_;
    family.with({message.event, attempt.backend}).inc();
}

void ServiceMetrics::count_accepted(std::string_view event) {
    accepted_.with({event}).inc();
}

void ServiceMetrics::count_webhook(std::string_view outcome) {
    webhook_requests_.with({outcome}).inc();
    if (outcome == "invalid_signature")
        signature_failures_.inc();
}

void ServiceMetrics::track_queue(outbox::Store& store) {
    registry_.on_scrape([this, &store] {
        auto counts = store.count(outbox::queue_statuses);
        if (!counts) {
            // The last values stay; /readyz reports the store itself.
            spdlog::warn("metrics: cannot read the outbox depth: {}", counts.error().describe());
            return;
        }
        for (const auto& [status, count] : *counts)
            queue_depth_.with({outbox::to_string(status)}).set(static_cast<double>(count));
    });
}

void ServiceMetrics::track_syncs(outbox::Store& store) {
    store.observe_syncs(
        [this](std::chrono::duration<double> took) { store_sync_duration_.observe(took.count()); });
}

void ServiceMetrics::track_stripe_events(service::StripeWebhookLedger& ledger) {
    registry_.on_scrape([this, &ledger] {
        auto received = ledger.count_received();
        if (!received) {
            spdlog::warn("metrics: cannot count the Stripe events received: {}",
                         received.error().describe());
            return;
        }
        stripe_received_.set(static_cast<double>(*received));
    });
}

RequestObserver ServiceMetrics::request_observer() {
    return [this](const std::string& route, const std::string& method, int status, double seconds) {
        observe_request(route, method, status, seconds);
    };
}

outbox::AttemptObserver ServiceMetrics::attempt_observer() {
    return [this](const outbox::StoredMessage& message, const outbox::Attempt& attempt,
                  const outbox::Outcome& outcome) { observe_attempt(message, attempt, outcome); };
}

}  // namespace txmail::http
