// txmail's metrics as /metrics shows them: what each observer counts, queue depth read from a
// real (memory) store at scrape time, GET /metrics without a token, bounded method labels.
#include "txmail/http/service_metrics.h"

#include <gtest/gtest.h>

#include "support/http_requests.h"
#include "support/rendered_messages.h"
#include "support/temp_directory.h"
#include "txmail/http/metrics_handler.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/outbox/sqlite/sqlite_store.h"

namespace txmail::http {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.starts_with(line + "\n") || text.find("\n" + line + "\n") != std::string::npos;
}

outbox::StoredMessage message(std::string event) {
    outbox::StoredMessage m;
    m.event = std::move(event);
    return m;
}

outbox::Attempt attempt(std::chrono::milliseconds took) {
    outbox::Attempt a;
    a.backend = "smtp";
    a.duration = took;
    return a;
}

TEST(HttpServiceMetrics, CountsAttemptsByOutcomeEventAndBackendWithTheirDurations) {
    ServiceMetrics metrics;
    auto observe = metrics.attempt_observer();
    using Kind = outbox::Outcome::Kind;
    observe(message("welcome"), attempt(std::chrono::milliseconds(3)), {Kind::sent});
    observe(message("welcome"), attempt(std::chrono::milliseconds(40)), {Kind::sent});
    observe(message("payment_failed"), attempt(std::chrono::milliseconds(2000)), {Kind::retry});
    observe(message("payment_failed"), attempt(std::chrono::milliseconds(31000)), {Kind::dead});
    const std::string text = metrics.expose();
    EXPECT_TRUE(has_line(text, R"(txmail_messages_sent_total{event="welcome",backend="smtp"} 2)"))
        << text;
    EXPECT_TRUE(
        has_line(text, R"(txmail_messages_failed_total{event="payment_failed",backend="smtp"} 1)"));
    EXPECT_TRUE(
        has_line(text, R"(txmail_messages_dead_total{event="payment_failed",backend="smtp"} 1)"));
    EXPECT_TRUE(
        has_line(text, R"(txmail_send_duration_seconds_bucket{backend="smtp",le="0.005"} 1)"));
    EXPECT_TRUE(
        has_line(text, R"(txmail_send_duration_seconds_bucket{backend="smtp",le="2.5"} 3)"));
    EXPECT_TRUE(has_line(text, R"(txmail_send_duration_seconds_bucket{backend="smtp",le="30"} 3)"));
    EXPECT_TRUE(
        has_line(text, R"(txmail_send_duration_seconds_bucket{backend="smtp",le="+Inf"} 4)"));
    EXPECT_TRUE(has_line(text, R"(txmail_send_duration_seconds_sum{backend="smtp"} 33.043)"));
}

TEST(HttpServiceMetrics, CountsRequestsByRoutePatternAndBoundsUnknownMethods) {
    ServiceMetrics metrics;
    auto observe = metrics.request_observer();
    observe("/v1/users/{id}", "GET", 200, 0.002);
    observe("/v1/users/{id}", "GET", 200, 0.003);
    observe("/v1/notifications", "POST", 401, 0.0001);
    observe("unmatched", "BREW", 404, 0.0001);
    const std::string text = metrics.expose();
    EXPECT_TRUE(has_line(
        text, R"(txmail_http_requests_total{route="/v1/users/{id}",method="GET",status="200"} 2)"));
    EXPECT_TRUE(has_line(
        text,
        R"(txmail_http_requests_total{route="/v1/notifications",method="POST",status="401"} 1)"));
    EXPECT_TRUE(has_line(
        text, R"(txmail_http_requests_total{route="unmatched",method="other",status="404"} 1)"));
    EXPECT_TRUE(has_line(
        text,
        R"(txmail_http_request_duration_seconds_bucket{route="/v1/users/{id}",le="0.005"} 2)"));
}

TEST(HttpServiceMetrics, CountsAcceptedNotificationsAndWebhookOutcomes) {
    ServiceMetrics metrics;
    // Registered up front: a scraper sees the family at 0 before the first failure.
    EXPECT_TRUE(has_line(metrics.expose(), "txmail_stripe_webhook_signature_failures_total 0"));
    metrics.count_accepted("welcome");
    metrics.count_webhook("queued");
    metrics.count_webhook("invalid_signature");
    metrics.count_webhook("invalid_signature");
    const std::string text = metrics.expose();
    EXPECT_TRUE(has_line(text, R"(txmail_notifications_accepted_total{event="welcome"} 1)"));
    EXPECT_TRUE(has_line(text, R"(txmail_stripe_webhook_requests_total{outcome="queued"} 1)"));
    EXPECT_TRUE(
        has_line(text, R"(txmail_stripe_webhook_requests_total{outcome="invalid_signature"} 2)"));
    EXPECT_TRUE(has_line(text, "txmail_stripe_webhook_signature_failures_total 2"));
}

TEST(HttpServiceMetrics, ReadsTheQueueDepthFromTheStoreAtEachScrape) {
    outbox::MemoryStore store;
    ServiceMetrics metrics;
    metrics.track_queue(store);
    EXPECT_TRUE(has_line(metrics.expose(), R"(txmail_queue_depth{state="queued"} 0)"));
    for (const char* id : {"1", "2"})
        ASSERT_TRUE(store.enqueue({"welcome", testing::rendered_message(id)}));
    const std::string text = metrics.expose();
    EXPECT_TRUE(has_line(text, R"(txmail_queue_depth{state="queued"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(txmail_queue_depth{state="dead"} 0)"));
    EXPECT_EQ(text.find(R"(txmail_queue_depth{state="sent"})"), std::string::npos)
        << "every message ever delivered is not queue depth: " << text;
}

// A durable enqueue waits for a sync of the WAL, and each sync lands in the histogram; a store
// without a log to sync (memory) leaves it empty but shown.
TEST(HttpServiceMetrics, TimesEverySyncOfTheStoresLogToDisk) {
    testing::TempDirectory directory;
    auto store = outbox::sqlite::SqliteStore::open(directory / "outbox.db");
    ASSERT_TRUE(store) << store.error().describe();
    ServiceMetrics metrics;
    metrics.track_syncs(**store);
    const std::string count = "txmail_store_sync_duration_seconds_count ";
    auto syncs = [&] {
        const std::string text = metrics.expose();
        const auto at = text.find("\n" + count);
        EXPECT_NE(at, std::string::npos) << text;
        return at == std::string::npos ? -1 : std::stol(text.substr(at + 1 + count.size()));
    };
    EXPECT_EQ(syncs(), 0);
    for (const char* id : {"1", "2"})
        ASSERT_TRUE((*store)->enqueue({"welcome", testing::rendered_message(id)}));
    const long after = syncs();
    EXPECT_GE(after, 1) << "each durable enqueue waited for a sync";
    EXPECT_LE(after, 2);
    EXPECT_TRUE(has_line(
        metrics.expose(),
        "txmail_store_sync_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(after)));
    (*store)->observe_syncs({});  // the store outlives `metrics` here

    outbox::MemoryStore memory;
    ServiceMetrics shown;
    shown.track_syncs(memory);
    ASSERT_TRUE(memory.enqueue({"welcome", testing::rendered_message("3")}));
    EXPECT_TRUE(has_line(shown.expose(), "txmail_store_sync_duration_seconds_count 0"));
}

TEST(HttpServiceMetrics, GetMetricsNeedsNoTokenAndSpeaksTheTextFormat) {
    ServiceMetrics metrics;
    Router router;
    add_metrics_route(router, metrics);
    const Response response = router.handle(testing::http_request("GET", "/metrics"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(response.body.find("# TYPE txmail_send_duration_seconds histogram\n"),
              std::string::npos);
}

}  // namespace
}  // namespace txmail::http
