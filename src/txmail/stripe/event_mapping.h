// Maps a verified Stripe event to the notification it should cause (pure; no I/O).
//
//   checkout.session.completed     -> payment_confirmation
//   customer.subscription.updated  -> subscription_updated, only when the price changed
//                                     (old price from data.previous_attributes.items)
//   customer.subscription.deleted  -> subscription_canceled
//   invoice.payment_failed         -> payment_failed
//   anything else                  -> Ignored (recorded by the caller, never an error)
//
// Webhooks carry price IDs, not product names: a plan's display name comes from the configured
// price -> name map (STRIPE_PRICE_NAMES), else the price's nickname, lookup_key, then its ID.
// The period end lives on the subscription items in API versions from 2025 and on the
// subscription itself before: both are read. Which user to notify is left to the caller: the
// mapping only says what identifies the customer (client_reference_id, customer id, email).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "txmail/stripe/event.h"
#include "txmail/util/error.h"

namespace txmail::stripe {

struct CustomerRef {
    std::string customer_id;  // cus_..., empty when the object has none
    std::string user_id;      // client_reference_id (checkout only): the app's own user id
    std::string email;        // customer_details.email / customer_email, when Stripe sent one
};

struct Notification {
    std::string event;  // catalogue name, e.g. "subscription_updated"
    CustomerRef customer;
    std::string subscription_id;  // sub_..., for ordering subscription events
    std::int64_t created = 0;     // the Stripe event's created time
    nlohmann::json data;          // the event's data fields (the caller adds "user")
};

struct Ignored {
    std::string reason;
};

using Mapping = std::variant<Notification, Ignored>;

// STRIPE_PRICE_NAMES, e.g. "price_123=Basic,price_456=Pro"; error names the setting and entry.
Result<std::map<std::string, std::string>> parse_price_names(std::string_view configured);

// Errors (kind permanent, field = JSON path) only for an event of a handled type that lacks what
// its notification needs, e.g. a checkout session with no customer and no reference.
Result<Mapping> map_event(const Event& event,
                          const std::map<std::string, std::string>& price_names);

}  // namespace txmail::stripe
