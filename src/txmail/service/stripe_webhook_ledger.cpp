#include "txmail/service/stripe_webhook_ledger.h"

#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_stripe_webhook_ledger.h"

namespace txmail::service {

Result<std::unique_ptr<StripeWebhookLedger>> open_stripe_webhook_ledger(
    const std::string& database_url) {
    return open_beside_outbox<StripeWebhookLedger, MemoryStripeWebhookLedger,
                              SqliteStripeWebhookLedger>(database_url, "Stripe webhook records");
}

}  // namespace txmail::service
