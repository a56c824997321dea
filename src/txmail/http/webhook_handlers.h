// The Stripe webhook routes, as pure Request -> Response functions over the processor and the
// ledger (tests/unit/test_http_webhook_handlers.cpp):
//
//   POST /webhooks/stripe          NOT behind the bearer token (Stripe cannot send it): the
//                                  Stripe-Signature is its authentication. 200 {"received":true,
//                                  "event_id","outcome"}; 400 invalid_signature | invalid_payload;
//                                  503 not_configured (no STRIPE_WEBHOOK_SECRET) or unavailable
//                                  (a store failed: Stripe retries).
//   GET /v1/webhooks/stripe/events the audit, newest first (?limit=1-500&cursor=&event_id=),
//                                  behind the bearer token like the rest of /v1.
//
// Headers are audited with Authorization, Proxy-Authorization, Cookie and Set-Cookie values
// replaced by "[redacted]": no secret is stored or shown.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "txmail/http/router.h"
#include "txmail/service/stripe_webhook_ledger.h"
#include "txmail/service/stripe_webhook_processor.h"

namespace txmail::http {

struct WebhookServices {
    service::StripeWebhookProcessor& processor;
    service::StripeWebhookLedger& ledger;
    std::optional<std::string> api_token;  // TXMAIL_API_TOKEN, for the /v1 audit listing
    // Called once per POST with its answer's outcome (received, duplicate, in_progress,
    // invalid_signature, invalid_payload, not_configured, error): metrics count signature
    // failures. Empty: nothing.
    std::function<void(std::string_view outcome)> on_outcome;
};

void add_webhook_routes(Router& router, WebhookServices& services);

}  // namespace txmail::http
