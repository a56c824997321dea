// What a webhook's answer needs of a Stripe event: its id, type and created time, from a body that
// is checked to be the JSON of an event, in one pass that builds nothing but those three fields.
//
// Why not parse_event() (event.h): the answer stores the raw body and acts on the event later
// (service/stripe_webhook_processor.h), so it needs none of data.object; and nlohmann's lexer,
// which builds every string token character by character even when the SAX handler drops it,
// was the largest single part of a webhook's CPU on the handler threads (~9% of the process's in
// a profile of the HTTP benchmark). This accepts and refuses exactly what parse_event() does,
// with the same errors: test_stripe_event_envelope compares the two on every fixture and on
// thousands of mutations of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::stripe {

struct EventEnvelope {
    std::string id;
    std::string type;
    std::int64_t created = 0;
};

// Errors as parse_event()'s: "body" when it is not a JSON object, else the first of "id",
// "type", "created" and "data.object" that is missing or mistyped.
Result<EventEnvelope> parse_event_envelope(std::string_view body);

}  // namespace txmail::stripe
