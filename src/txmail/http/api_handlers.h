// The /v1 API and the health checks, registered on a Router as pure Request -> Response
// functions over the service objects (no sockets: tests/unit/test_http_api_handlers.cpp).
//
// Bad input is a 400 naming the field and nothing is stored; an unknown user a 404; a store
// failure a 503. Every POST honours Idempotency-Key: the key is prefixed with the route (so the
// same key on two routes does not collide) and, for a fan-out, suffixed with each user id.
// Accepted notifications answer 202 {"id"|"ids", "status":"queued"}.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "txmail/http/router.h"
#include "txmail/outbox/store.h"
#include "txmail/service/contact_store.h"
#include "txmail/service/notifier.h"

namespace txmail::http {

struct ApiServices {
    service::ContactStore& contacts;
    service::Notifier& notifier;
    outbox::Store& outbox;
    std::optional<std::string> api_token;  // TXMAIL_API_TOKEN; none: no auth (loopback only)
    bool backend_configured = true;        // /readyz
    // After a contact was saved (PUT /v1/users/{id}, user-registered with an inline user), as
    // stored: deliver the Stripe events that waited for it, by its id, email or Stripe customer
    // (service::StripeWebhookProcessor::deliver_pending_for). Empty: nothing.
    std::function<void(const service::Contact& user)> on_contact_saved;
};

void add_api_routes(Router& router, ApiServices& services);

}  // namespace txmail::http
