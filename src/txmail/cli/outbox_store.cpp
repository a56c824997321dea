#include "txmail/cli/outbox_store.h"

#include "txmail/cli/context.h"

namespace txmail::cli {

int exit_code_for_store_error(const Error& error) {
    return error.kind == ErrorKind::config || !error.field.empty() ? exit_usage : exit_failed;
}

std::unique_ptr<outbox::Store> open_outbox(Context& context) {
    auto store = outbox::open_store(context.settings().get_or("TXMAIL_DATABASE_URL", ""));
    if (!store)
        throw CommandFailure(store.error(), exit_code_for_store_error(store.error()));
    return std::move(*store);
}

std::unique_ptr<service::StripeWebhookLedger> open_stripe_ledger(Context& context) {
    auto ledger =
        service::open_stripe_webhook_ledger(context.settings().get_or("TXMAIL_DATABASE_URL", ""));
    if (!ledger)
        throw CommandFailure(ledger.error(), exit_code_for_store_error(ledger.error()));
    return std::move(*ledger);
}

}  // namespace txmail::cli
