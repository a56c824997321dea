#include "txmail/http/webhook_handlers.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "txmail/http/api_auth.h"
#include "txmail/util/iso8601.h"
#include "txmail/util/strings.h"

namespace txmail::http {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> redacted_headers = {
    "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"};

json audited_headers(const Headers& headers) {
    json out = json::object();
    for (const auto& [name, value] : headers) {
        const bool secret = std::ranges::any_of(
            redacted_headers, [&](std::string_view r) { return iequals_ascii(name, r); });
        out[name] = secret ? "[redacted]" : value;
    }
    return out;
}

// Raw bodies and header values need not be UTF-8 (a tampered request...): replace bad bytes
// rather than fail to list the audit.
Response json_response(int status, const json& body) {
    return Response::text(status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                          "application/json");
}

Response answer_response(const Result<service::StripeWebhookAnswer>& answer) {
    if (!answer)
        return Response::error(503, "unavailable", answer.error().message);
    if (answer->status != 200)
        return Response::error(answer->status, answer->outcome, answer->message, answer->field);
    return Response::json(
        200, {{"received", true}, {"event_id", answer->event_id}, {"outcome", answer->outcome}});
}

// Deferred: the answer comes from the commit's callback (StripeWebhookProcessor::receive_async).
void receive(WebhookServices& services, const Request& request, Reply reply) {
    service::StripeWebhookInput input;
    input.body = request.body;
    input.signature_header = std::string(request.header("Stripe-Signature").value_or(""));
    input.source_ip = request.remote_address;
    input.headers = audited_headers(request.headers);
    services.processor.receive_async(
        input, [&services, reply = std::move(reply)](Result<service::StripeWebhookAnswer> answer) {
            if (services.on_outcome)
                services.on_outcome(answer ? std::string_view(answer->outcome) : "error");
            reply(answer_response(answer));
        });
}

json request_json(const service::WebhookRequest& request) {
    return {{"id", request.id},
            {"received_at", format_iso8601_utc(request.received_at)},
            {"source_ip", request.source_ip},
            {"headers", request.headers},
            {"body", request.body},
            {"valid", request.valid},
            {"reason", request.reason},
            {"event_id", request.event_id},
            {"event_type", request.event_type},
            {"outcome", request.outcome},
            {"message_ids", request.message_ids}};
}

std::optional<std::int64_t> positive_number(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18 ||
        !std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    for (char c : text)
        value = value * 10 + (c - '0');
    return value > 0 ? std::optional(value) : std::nullopt;
}

Response list_requests(WebhookServices& services, const Request& request) {
    service::WebhookRequestFilter filter;
    if (auto limit = request.query_value("limit")) {
        auto value = positive_number(*limit);
        if (!value || *value > 500)
            return Response::error(400, "invalid", "limit must be a number from 1 to 500", "limit");
        filter.limit = static_cast<std::size_t>(*value);
    }
    if (auto cursor = request.query_value("cursor")) {
        filter.before_id = positive_number(*cursor);
        if (!filter.before_id)
            return Response::error(400, "invalid",
                                   "cursor must be the next_cursor of a previous page", "cursor");
    }
    if (auto event_id = request.query_value("event_id"))
        filter.event_id = std::string(*event_id);
    auto found = services.ledger.requests(filter);
    if (!found)
        return Response::error(503, "unavailable", found.error().message);
    json items = json::array();
    for (const auto& row : *found)
        items.push_back(request_json(row));
    json body = {{"requests", items}, {"next_cursor", nullptr}};
    if (found->size() == filter.limit)
        body["next_cursor"] = std::to_string(found->back().id);
    return json_response(200, body);
}

}  // namespace

void add_webhook_routes(Router& router, WebhookServices& services) {
    WebhookServices* s = &services;
    router.add_deferred("POST", "/webhooks/stripe",
                        [s](const Request& r, const PathParams&, Reply reply) {
                            receive(*s, r, std::move(reply));
                        });
    router.add("GET", "/v1/webhooks/stripe/events",
               require_bearer(services.api_token, [s](const Request& r, const PathParams&) {
                   return list_requests(*s, r);
               }));
}

}  // namespace txmail::http
