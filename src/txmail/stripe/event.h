// A Stripe webhook event as Stripe sends it: the envelope fields we act on plus, of the object,
// the fields the mapping reads (event_mapping.h; the list is in event.cpp). Parsing happens only
// after the signature is verified (signature.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "txmail/util/error.h"

namespace txmail::stripe {

struct Event {
    std::string id;    // evt_...; Stripe delivers an event more than once, so this is the key
    std::string type;  // e.g. "customer.subscription.updated"
    std::string api_version;
    std::int64_t created = 0;  // unix seconds; Stripe does not promise order, this orders them
    bool livemode = false;
    nlohmann::json object;               // data.object, the fields the mapping reads
    nlohmann::json previous_attributes;  // the same of data.previous_attributes; null when absent
};

// Errors name the missing or mistyped field (e.g. "data.object").
Result<Event> parse_event(std::string_view body);

}  // namespace txmail::stripe
