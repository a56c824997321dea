// Validates the data of one notification against the event catalogue and prepares what the
// templates show.
//
// Input is the JSON the CLI and the HTTP API take: {"user":{"id":…,"email":…,"name":…}, …fields…}.
// Every error is Error::invalid with `field` set to the JSON path ("user.email", "amount") and a
// message that names the path, what was expected and the value received (cut to 80 characters):
//   missing required fields, wrong JSON types, unknown fields (typos must not pass silently),
//   malformed emails, ISO 8601 dates, currency codes, URLs, IP addresses, tickers;
//   a money amount without its currency. `null` counts as absent.
// On success the raw values are kept (only known fields) alongside their human forms for
// templates: money "$29.00", dates "December 24, 2026", ids as strings.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "txmail/mail/address.h"
#include "txmail/notify/event_catalogue.h"
#include "txmail/util/error.h"

namespace txmail::notify {

struct EventData {
    const EventSpec* spec = nullptr;
    nlohmann::json raw;       // the validated input, known fields only, nulls removed
    nlohmann::json display;   // same shape, every value a string in its human form
    mail::Address recipient;  // user.email with user.name (one line) as display name
};

Result<EventData> validate_event_data(std::string_view event, const nlohmann::json& data);
Result<EventData> validate_event_data(const EventSpec& spec, const nlohmann::json& data);

// What view_status_changed's data must say, checked here for every caller and first by the route
// that fans it out (before it looks for followers): two views, neither blank, that differ as the
// email shows them, case aside. "From BUY to BUY" would be no news, sent to every follower.
Result<void> check_view_change(std::string_view old_status, std::string_view new_status);

// A market symbol as the catalogue's ticker fields take it (event_catalogue.h): 1-20 of
// A-Z a-z 0-9 . - ^ = : _. The HTTP API's watchlists and view changes take the same, upper-cased.
bool is_ticker_symbol(std::string_view text);

// An absolute http(s) URL with a host and nothing that could end a link early (spaces, quotes,
// angle brackets, control characters), at most 2048 bytes.
bool is_http_url(std::string_view text);

}  // namespace txmail::notify
