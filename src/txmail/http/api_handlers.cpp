#include "txmail/http/api_handlers.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>

#include "txmail/http/api_auth.h"
#include "txmail/mail/address.h"
#include "txmail/notify/event_data.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/message_json.h"
#include "txmail/util/iso8601.h"
#include "txmail/util/sha256.h"

namespace txmail::http {
namespace {

using nlohmann::json;

// A handler's early exit: the response to send instead of going on.
struct Reject {
    Response response;
};

Response from_error(const Error& error) {
    if (outbox::is_key_reused(error))
        return Response::error(422, "idempotency_key_reused", error.message, "Idempotency-Key");
    if (!error.field.empty() || error.kind == ErrorKind::permanent)
        return Response::error(400, "invalid", error.message, error.field);
    return Response::error(503, "unavailable", error.message);
}

template <class T>
T require(Result<T> result) {
    if (!result)
        throw Reject{from_error(result.error())};
    return std::move(*result);
}
void require(Result<void> result) {
    if (!result)
        throw Reject{from_error(result.error())};
}

Reject invalid(std::string_view field, std::string message) {
    return Reject{Response::error(400, "invalid", message, field)};
}

json parse_body(const Request& request) {
    try {
        json body = json::parse(request.body);
        if (!body.is_object())
            throw invalid("body", "the body must be a JSON object");
        return body;
    } catch (const json::parse_error& e) {
        throw invalid("body", std::string("the body is not valid JSON: ") + e.what());
    }
}

std::string string_field(const json& body, const std::string& name, bool required = true,
                         const std::string& path = {}) {
    const std::string field = path.empty() ? name : path + "." + name;
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required)
            throw invalid(field, field + " is required");
        return {};
    }
    if (!it->is_string())
        throw invalid(field, field + " must be a string (got " + it->dump() + ")");
    return it->get<std::string>();
}

// A user id as the app has it: a string, or an integer (a Django pk) as its decimal text.
std::string user_id_field(const json& body, const std::string& name, bool required = true,
                          const std::string& path = {}) {
    if (auto it = body.find(name); it != body.end() && !it->is_null() && !it->is_string()) {
        if (it->is_number_integer())
            return it->dump();
        const std::string field = path.empty() ? name : path + "." + name;
        throw invalid(field, field + " must be a string or an integer (got " + it->dump() + ")");
    }
    return string_field(body, name, required, path);
}

// A POST's Idempotency-Key, scoped by its route, and what a replay under it must repeat: the
// body as JSON, its keys sorted and without spacing, so that a client which serialises the same
// request again is still replaying it.
struct Idempotency {
    std::optional<std::string> key;
    std::optional<std::string> request_digest;
};

Idempotency idempotency(const Request& request, std::string_view route, const json& body) {
    // Stripe's limit; with the route and a fan-out's user id the stored key stays within the
    // outbox's (outbox::max_idempotency_key_length).
    constexpr std::size_t max_key_length = 255;
    auto key = request.header("Idempotency-Key");
    if (!key || key->empty())
        return {};
    if (key->size() > max_key_length)
        throw invalid("Idempotency-Key", "Idempotency-Key is " + std::to_string(key->size()) +
                                             " characters long; at most " +
                                             std::to_string(max_key_length) + " are allowed");
    return {std::string(route) + ":" + std::string(*key), sha256_hex(body.dump())};
}

// For a route that writes something besides the message: the enqueue refuses a key reused for
// another request, but only after that write, so ask first.
void refuse_reused_key(ApiServices& services, const Idempotency& idempotency) {
    if (!idempotency.key)
        return;
    if (auto seen = require(services.outbox.find_by_idempotency_key(*idempotency.key)))
        require(outbox::check_same_request(idempotency.request_digest, *seen));
}

json user_json(const service::Contact& contact) {
    return {{"id", contact.id}, {"email", contact.email}, {"name", contact.name}};
}

service::Contact contact_from(const json& body, std::string id, const std::string& path = {}) {
    service::Contact contact;
    const std::string prefix = path.empty() ? "" : path + ".";
    if (auto why = service::check_user_id(id, prefix + "id"); !why.empty())
        throw invalid(prefix + "id", why);
    contact.id = std::move(id);
    contact.email = string_field(body, "email", true, path);
    const mail::Address address = require(mail::Address::parse(contact.email, prefix + "email"));
    // Every email takes user.email as a bare address (notify/event_data.cpp): a contact stored
    // as `Name <address>` would fail each event sent to it, and every fan-out it is part of.
    if (!address.display_name.empty())
        throw invalid(prefix + "email", prefix + "email must be a bare email address such as " +
                                            "ada@example.com (the name goes in \"name\"), got \"" +
                                            contact.email + "\"");
    contact.name = string_field(body, "name", false, path);
    if (auto customer = string_field(body, "stripe_customer_id", false, path); !customer.empty())
        contact.stripe_customer_id = customer;
    return contact;
}

service::Contact existing_user(ApiServices& services, const std::string& id) {
    auto contact = require(services.contacts.get(id));
    if (!contact)
        throw Reject{Response::error(404, "not_found", "no user with id " + id, "user_id")};
    return *contact;
}

// The catalogue's rule (notify::is_ticker_symbol), upper-cased: a watchlist's symbol is the one
// its view changes name.
std::string ticker_symbol(std::string symbol, std::string_view field) {
    std::ranges::transform(symbol, symbol.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!notify::is_ticker_symbol(symbol))
        throw invalid(field, std::string(field) + " \"" + symbol + "\" is not " +
                                 std::string(notify::to_string(notify::FieldType::ticker)));
    return symbol;
}

Response accepted(const outbox::Enqueued& enqueued) {
    return Response::json(
        202, {{"id", enqueued.id}, {"status", "queued"}, {"created", enqueued.created}});
}

struct SavedContact {
    service::Contact stored;
    bool created = false;
};

// Upserts the contact and hands it, as stored, to on_contact_saved; returns it as it is after
// that (a checkout delivered to it links its Stripe customer).
SavedContact save_contact(ApiServices& services, const service::Contact& contact) {
    const bool created = require(services.contacts.upsert(contact));
    service::Contact stored = existing_user(services, contact.id);
    if (services.on_contact_saved) {
        services.on_contact_saved(stored);
        stored = existing_user(services, contact.id);
    }
    return {std::move(stored), created};
}

Response put_user(ApiServices& services, const Request& request, const PathParams& params) {
    const auto [stored, created] =
        save_contact(services, contact_from(parse_body(request), params.at("id")));
    json body = user_json(stored);
    body["stripe_customer_id"] =
        stored.stripe_customer_id ? json(*stored.stripe_customer_id) : json(nullptr);
    return Response::json(created ? 201 : 200, body);
}

Response get_user(ApiServices& services, const PathParams& params) {
    const service::Contact contact = existing_user(services, params.at("id"));
    json body = user_json(contact);
    body["stripe_customer_id"] =
        contact.stripe_customer_id ? json(*contact.stripe_customer_id) : json(nullptr);
    body["created_at"] = format_iso8601_utc(contact.created_at);
    body["updated_at"] = format_iso8601_utc(contact.updated_at);
    return Response::json(200, body);
}

Response delete_user(ApiServices& services, const PathParams& params) {
    if (!require(services.contacts.remove(params.at("id"))))
        return Response::error(404, "not_found", "no user with id " + params.at("id"), "id");
    return Response{204, "application/json", {}, {}};
}

Response put_watchlist(ApiServices& services, const Request& request, const PathParams& params) {
    const json body = parse_body(request);
    auto list = body.find("tickers");
    if (list == body.end() || !list->is_array())
        throw invalid("tickers", "tickers must be an array of ticker symbols");
    std::vector<std::string> tickers;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string field = "tickers[" + std::to_string(i) + "]";
        if (!(*list)[i].is_string())
            throw invalid(field, field + " must be a string");
        tickers.push_back(ticker_symbol((*list)[i].get<std::string>(), field));
    }
    existing_user(services, params.at("id"));
    require(services.contacts.set_watchlist(params.at("id"), tickers));
    return Response::json(200,
                          {{"tickers", require(services.contacts.watchlist(params.at("id")))}});
}

Response get_watchlist(ApiServices& services, const PathParams& params) {
    existing_user(services, params.at("id"));
    return Response::json(200,
                          {{"tickers", require(services.contacts.watchlist(params.at("id")))}});
}

service::Notification user_registered(ApiServices& services, const Request& request) {
    const json body = parse_body(request);
    const Idempotency keyed = idempotency(request, "user-registered", body);
    service::Contact contact;
    if (auto user = body.find("user"); user != body.end()) {
        if (!user->is_object())
            throw invalid("user", "user must be an object {id, email, name}");
        const service::Contact given =
            contact_from(*user, user_id_field(*user, "id", true, "user"), "user");
        refuse_reused_key(services, keyed);
        contact = save_contact(services, given).stored;
    } else {
        contact = existing_user(services, user_id_field(body, "user_id"));
    }
    return {"welcome", {{"user", user_json(contact)}}, keyed.key, keyed.request_digest};
}

service::Notification password_changed(ApiServices& services, const Request& request) {
    const json body = parse_body(request);
    const std::string user_id = user_id_field(body, "user_id");
    json data = {{"changed_at", format_iso8601_utc(std::chrono::system_clock::now())}};
    if (auto changed_at = string_field(body, "changed_at", false); !changed_at.empty())
        data["changed_at"] = changed_at;
    for (const char* optional : {"ip", "user_agent"})
        if (auto value = string_field(body, optional, false); !value.empty())
            data[optional] = value;
    data["user"] = user_json(existing_user(services, user_id));
    const Idempotency keyed = idempotency(request, "password-changed", body);
    return {"password_changed", data, keyed.key, keyed.request_digest};
}

Response view_status(ApiServices& services, const Request& request, const PathParams& params) {
    const json body = parse_body(request);
    const std::string ticker = ticker_symbol(params.at("symbol"), "symbol");
    const std::string old_status = string_field(body, "old_status");
    const std::string new_status = string_field(body, "new_status");
    require(notify::check_view_change(old_status, new_status));
    const Idempotency keyed = idempotency(request, "view-status:" + ticker, body);
    std::vector<service::Notification> batch;
    for (const service::Contact& watcher : require(services.contacts.watchers(ticker)))
        batch.push_back({"view_status_changed",
                         {{"user", user_json(watcher)},
                          {"ticker", ticker},
                          {"old_status", old_status},
                          {"new_status", new_status}},
                         keyed.key ? std::optional(*keyed.key + ":" + watcher.id) : std::nullopt,
                         keyed.request_digest});
    const auto queued = require(services.notifier.fan_out(batch));
    json ids = json::array();
    for (const auto& enqueued : queued)
        ids.push_back(enqueued.id);
    return Response::json(202, {{"queued", queued.size()}, {"ids", ids}, {"status", "queued"}});
}

service::Notification post_notification(ApiServices& services, const Request& request) {
    json body = parse_body(request);
    const std::string event = string_field(body, "event");
    json data = body.value("data", json::object());
    if (!data.is_object())
        throw invalid("data", "data must be an object");
    if (auto user_id = user_id_field(body, "user_id", false); !user_id.empty()) {
        data["user"] = user_json(existing_user(services, user_id));
    } else {
        const std::string to = string_field(body, "to", false);
        if (to.empty())
            throw invalid("user_id", "one of user_id or to is required");
        require(mail::Address::parse(to, "to"));
        // No contact: the address stands in for the id (templates and logs need one).
        data["user"] = {{"id", to}, {"email", to}, {"name", ""}};
    }
    const Idempotency keyed = idempotency(request, "notifications", body);
    return {event, data, keyed.key, keyed.request_digest};
}

Response list_messages(ApiServices& services, const Request& request) {
    outbox::ListFilter filter;
    if (auto status = request.query_value("status")) {
        filter.status = outbox::parse_status(*status);
        if (!filter.status)
            throw invalid("status", "status \"" + std::string(*status) + "\" is not a status");
    }
    if (auto event = request.query_value("event"))
        filter.event = std::string(*event);
    if (auto to = request.query_value("to"))
        filter.recipient = std::string(*to);
    try {
        if (auto limit = request.query_value("limit"))
            filter.limit = std::clamp<std::size_t>(std::stoul(std::string(*limit)), 1, 500);
    } catch (const std::exception&) {
        throw invalid("limit", "limit must be a number from 1 to 500");
    }
    try {
        if (auto cursor = request.query_value("cursor"))
            filter.after_id = std::stoll(std::string(*cursor));
    } catch (const std::exception&) {
        throw invalid("cursor", "cursor must be the next_cursor of a previous page");
    }
    const auto messages = require(services.outbox.list(filter));
    json items = json::array();
    for (const auto& message : messages)
        items.push_back(outbox::to_json(message));
    json body = {{"messages", items}, {"next_cursor", nullptr}};
    if (messages.size() == filter.limit)
        body["next_cursor"] = std::to_string(messages.back().id);
    return Response::json(200, body);
}

Response get_message(ApiServices& services, const PathParams& params) {
    outbox::MessageId id = 0;
    try {
        id = std::stoll(params.at("id"));
    } catch (const std::exception&) {
        throw invalid("id", "message id \"" + params.at("id") + "\" is not a number");
    }
    auto message = require(services.outbox.get(id));
    if (!message)
        return Response::error(404, "not_found", "no message with id " + params.at("id"), "id");
    json body = outbox::to_json(*message);
    json attempts = json::array();
    for (const auto& attempt : require(services.outbox.attempts(id)))
        attempts.push_back(outbox::to_json(attempt));
    body["attempts"] = attempts;
    return Response::json(200, body);
}

Response readyz(ApiServices& services) {
    if (auto ping = services.contacts.ping(); !ping)
        return Response::error(503, "store_unreachable", ping.error().message);
    if (auto ping = services.outbox.ping(); !ping)
        return Response::error(503, "store_unreachable", ping.error().message);
    if (!services.backend_configured)
        return Response::error(503, "backend_unconfigured", "no email backend is configured",
                               "EMAIL_BACKEND");
    return Response::json(200, {{"status", "ready"}});
}

// Turns a Reject thrown by the helpers above into its response.
template <class F>
Handler guarded(F body) {
    return [body = std::move(body)](const Request& request, const PathParams& params) {
        try {
            return body(request, params);
        } catch (Reject& reject) {
            return std::move(reject.response);
        }
    };
}

// A route that queues one notification: `body` checks the request and says what to queue (or
// throws a Reject); the 202 is sent once the row is durable, and the handler thread is not held
// through the commit meanwhile.
template <class F>
DeferredHandler queueing(ApiServices& services, F body) {
    return [&services, body = std::move(body)](const Request& request, const PathParams& params,
                                               Reply reply) {
        service::Notification notification;
        try {
            notification = body(request, params);
        } catch (Reject& reject) {
            return reply(std::move(reject.response));
        }
        services.notifier.notify_async(
            notification, outbox::Store::Wait::durable, [reply](Result<outbox::Enqueued> enqueued) {
                reply(enqueued ? accepted(*enqueued) : from_error(enqueued.error()));
            });
    };
}

}  // namespace

void add_api_routes(Router& router, ApiServices& services) {
    auto api = [&](std::string method, std::string pattern, auto body) {
        router.add(std::move(method), std::move(pattern),
                   require_bearer(services.api_token, guarded(std::move(body))));
    };
    ApiServices* s = &services;
    using Q = const Request&;
    using P = const PathParams&;
    api("PUT", "/v1/users/{id}", [s](Q r, P p) { return put_user(*s, r, p); });
    api("GET", "/v1/users/{id}", [s](Q, P p) { return get_user(*s, p); });
    api("DELETE", "/v1/users/{id}", [s](Q, P p) { return delete_user(*s, p); });
    api("PUT", "/v1/users/{id}/watchlist", [s](Q r, P p) { return put_watchlist(*s, r, p); });
    api("GET", "/v1/users/{id}/watchlist", [s](Q, P p) { return get_watchlist(*s, p); });
    auto notification = [&](std::string pattern, auto body) {
        router.add_deferred(
            "POST", std::move(pattern),
            require_bearer(services.api_token, queueing(services, std::move(body))));
    };
    notification("/v1/events/user-registered", [s](Q r, P) { return user_registered(*s, r); });
    notification("/v1/events/password-changed", [s](Q r, P) { return password_changed(*s, r); });
    api("POST", "/v1/tickers/{symbol}/view-status",
        [s](Q r, P p) { return view_status(*s, r, p); });
    notification("/v1/notifications", [s](Q r, P) { return post_notification(*s, r); });
    api("GET", "/v1/messages", [s](Q r, P) { return list_messages(*s, r); });
    api("GET", "/v1/messages/{id}", [s](Q, P p) { return get_message(*s, p); });
    router.add("GET", "/healthz", [](Q, P) { return Response::json(200, {{"status", "ok"}}); });
    router.add("GET", "/readyz", [s](Q, P) { return readyz(*s); });
}

}  // namespace txmail::http
