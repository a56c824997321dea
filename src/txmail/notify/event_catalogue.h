// The fixed list of notification events and the data each one takes (DESIGN.md "The events").
//
// Every event gets `user{id,email,name}` plus its own fields; each field has a type that says how
// it is validated (event_data.h) and how it is shown in templates. The catalogue is static data:
// adding an event means adding templates under templates/<event>/ and one entry here.
// lookup_event() is the one place that turns a name into a spec; an unknown name is an error that
// lists the known ones.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::notify {

enum class FieldType {
    identifier,  // a string or an integer (user ids)
    text,        // any UTF-8 string without NUL
    label,       // a string shown on one line (names, plans): white space collapsed
    status,      // a label naming a view on a ticker (BUY, HOLD, SELL, ...); has a tone
    email,       // an addr-spec that mail::Address::parse accepts, without a display name
    date,        // ISO 8601 date or date-time; shown as a date ("December 24, 2026")
    datetime,    // ISO 8601 date or date-time; shown with its time in UTC when it has one
    money,       // an integer amount in the currency's minor units (2900 = $29.00), >= 0
    currency,    // an ISO 4217 code, three letters, any case ("usd")
    url,         // an absolute http(s) URL
    ip_address,  // IPv4 or IPv6
    ticker,      // a market symbol: 1-20 of A-Z a-z 0-9 . - ^ = : _ (safe in a URL path)
};

std::string_view to_string(FieldType type);

struct FieldSpec {
    std::string_view name;  // path in the data: "changed_at", "user.email"
    FieldType type = FieldType::text;
    bool required = false;
    // For a money field: the field holding its currency, which becomes required with it.
    std::string_view currency_field = {};
};

struct EventSpec {
    std::string_view name;
    std::string_view summary;           // when it is sent, for `txmail render --help` and docs
    std::span<const FieldSpec> fields;  // user.* first, then the event's own fields
    int default_priority;               // notify::priority::{low,normal,high}
};

std::span<const EventSpec> events();
// The known names joined by ", " in catalogue order, for error messages and help.
std::string event_names();
// The spec for `name`, or an error (field "event") naming the value and listing the known events.
Result<const EventSpec*> lookup_event(std::string_view name);

}  // namespace txmail::notify
