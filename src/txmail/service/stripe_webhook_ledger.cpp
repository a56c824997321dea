#include "txmail/service/stripe_webhook_ledger.h"

#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_stripe_webhook_ledger.h"

namespace txmail::service {

bool mark_redelivery(WebhookRequest& request, const StripeEventRecord& first) {
    if (first.status == stripe_event_status::processing) {
        request.outcome = "in_progress";
        request.reason = in_progress_reason(first.event_id);
        request.message_ids.clear();
        return true;
    }
    request.outcome = "duplicate";
    request.reason = "event already received: " + first.status;
    request.message_ids = first.message_ids;
    return false;
}

std::string in_progress_reason(const std::string& event_id) {
    return "event " + event_id + " is being processed by another request; retry later";
}

bool is_stale_claim(const StripeEventRecord& stored, WebhookClock::time_point stale_before) {
    return stored.status == stripe_event_status::processing && stored.claimed_at < stale_before;
}

Result<std::unique_ptr<StripeWebhookLedger>> open_stripe_webhook_ledger(
    const std::string& database_url) {
    return open_beside_outbox<StripeWebhookLedger, MemoryStripeWebhookLedger,
                              SqliteStripeWebhookLedger>(database_url, "Stripe webhook records");
}

}  // namespace txmail::service
