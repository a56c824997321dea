#include "txmail/service/stripe_webhook_ledger.h"

#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_stripe_webhook_ledger.h"

namespace txmail::service {

void mark_duplicate(WebhookRequest& request, const StripeEventRecord& first) {
    request.outcome = "duplicate";
    request.reason = "event already received: " + first.status;
    request.message_ids = first.message_ids;
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
