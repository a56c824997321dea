// The outbox named by TXMAIL_DATABASE_URL, opened (and migrated) for a CLI command, and the Stripe
// webhook ledger beside it (open the outbox first: it migrates the file). Failures
// throw CommandFailure: a bad URL or an unsupported store exits 2 naming TXMAIL_DATABASE_URL (its
// password masked); a database that cannot be opened exits 1.
#pragma once

#include <memory>

#include "txmail/outbox/store.h"
#include "txmail/service/stripe_webhook_ledger.h"

namespace txmail::cli {

class Context;

std::unique_ptr<outbox::Store> open_outbox(Context& context);
std::unique_ptr<service::StripeWebhookLedger> open_stripe_ledger(Context& context);
// Exit code for a failed store call: 2 for config and bad input, 1 otherwise.
int exit_code_for_store_error(const Error& error);

}  // namespace txmail::cli
