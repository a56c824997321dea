#include "txmail/stripe/event_mapping.h"

#include "txmail/util/iso8601.h"
#include "txmail/util/strings.h"

namespace txmail::stripe {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Stripe sends related objects as an ID, or as the object itself when expanded.
std::string id_at(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object())
        return string_at(*it, "id");
    return {};
}

std::optional<std::int64_t> integer_at(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<std::int64_t>();
}

const json* first_item(const json& subscription_like) {
    const auto items = subscription_like.find("items");
    if (items == subscription_like.end() || !items->is_object())
        return nullptr;
    const auto data = items->find("data");
    if (data == items->end() || !data->is_array() || data->empty())
        return nullptr;
    return &data->front();
}

const json* first_price(const json& subscription_like) {
    const json* item = first_item(subscription_like);
    if (item == nullptr)
        return nullptr;
    const auto price = item->find("price");
    return price != item->end() && price->is_object() ? &*price : nullptr;
}

std::string plan_name(const json& price, const std::map<std::string, std::string>& names) {
    const std::string id = string_at(price, "id");
    if (const auto it = names.find(id); it != names.end())
        return it->second;
    for (const char* key : {"nickname", "lookup_key"}) {
        if (std::string value = string_at(price, key); !value.empty())
            return value;
    }
    return id;
}

// API versions from 2025 keep the period end on each item; older ones on the subscription.
std::optional<std::int64_t> period_end(const json& subscription) {
    if (const json* item = first_item(subscription)) {
        if (auto end = integer_at(*item, "current_period_end"))
            return end;
    }
    return integer_at(subscription, "current_period_end");
}

CustomerRef customer_of(const json& object) {
    CustomerRef ref;
    ref.customer_id = id_at(object, "customer");
    if (const auto details = object.find("customer_details");
        details != object.end() && details->is_object()) {
        ref.email = string_at(*details, "email");
    }
    if (ref.email.empty())
        ref.email = string_at(object, "customer_email");
    return ref;
}

Notification notification(const Event& event, std::string name, CustomerRef customer) {
    Notification n;
    n.event = std::move(name);
    n.customer = std::move(customer);
    n.created = event.created;
    n.data = json::object();
    return n;
}

Result<Mapping> checkout_completed(const Event& event) {
    const json& session = event.object;
    // Delayed payment methods complete the session unpaid; the money is confirmed later by
    // checkout.session.async_payment_succeeded, which maps here too.
    if (string_at(session, "payment_status") == "unpaid") {
        return Ignored{
            "checkout completed but payment_status is unpaid; waiting for "
            "checkout.session.async_payment_succeeded"};
    }
    CustomerRef customer = customer_of(session);
    customer.user_id = string_at(session, "client_reference_id");
    if (customer.customer_id.empty() && customer.user_id.empty() && customer.email.empty()) {
        return fail(Error::invalid("data.object.customer",
                                   "checkout session " + string_at(session, "id") +
                                       " names no customer, client_reference_id or email"));
    }
    Notification n = notification(event, "payment_confirmation", std::move(customer));
    n.subscription_id = id_at(session, "subscription");
    if (auto amount = integer_at(session, "amount_total"))
        n.data["amount"] = *amount;
    if (std::string currency = string_at(session, "currency"); !currency.empty()) {
        n.data["currency"] = currency;
    }
    if (const auto metadata = session.find("metadata");
        metadata != session.end() && metadata->is_object()) {
        if (std::string plan = string_at(*metadata, "plan"); !plan.empty())
            n.data["plan"] = plan;
    }
    return n;
}

Result<Mapping> subscription_updated(const Event& event,
                                     const std::map<std::string, std::string>& names) {
    const json& subscription = event.object;
    const json& previous = event.previous_attributes;
    const json* new_price = first_price(subscription);
    const json* old_price = previous.is_object() ? first_price(previous) : nullptr;
    if (old_price == nullptr || new_price == nullptr) {
        return Ignored{"the subscription's price did not change"};
    }
    if (string_at(*old_price, "id") == string_at(*new_price, "id")) {
        return Ignored{"the subscription's price did not change"};
    }
    Notification n = notification(event, "subscription_updated", customer_of(subscription));
    n.subscription_id = string_at(subscription, "id");
    n.data["old_plan"] = plan_name(*old_price, names);
    n.data["new_plan"] = plan_name(*new_price, names);
    const auto end = period_end(subscription);
    if (!end) {
        return fail(Error::invalid("data.object.items.data[0].current_period_end",
                                   "subscription " + n.subscription_id + " has no period end"));
    }
    n.data["end_date"] = format_iso8601_utc_seconds(*end);
    return n;
}

Result<Mapping> subscription_deleted(const Event& event) {
    const json& subscription = event.object;
    Notification n = notification(event, "subscription_canceled", customer_of(subscription));
    n.subscription_id = string_at(subscription, "id");
    // A deleted subscription has ended; ended_at says when access stopped, else the period end.
    auto until = integer_at(subscription, "ended_at");
    if (!until)
        until = period_end(subscription);
    if (until)
        n.data["access_until"] = format_iso8601_utc_seconds(*until);
    return n;
}

Result<Mapping> payment_failed(const Event& event) {
    const json& invoice = event.object;
    Notification n = notification(event, "payment_failed", customer_of(invoice));
    n.subscription_id = id_at(invoice, "subscription");
    if (auto due = integer_at(invoice, "amount_due"))
        n.data["amount_due"] = *due;
    if (std::string currency = string_at(invoice, "currency"); !currency.empty()) {
        n.data["currency"] = currency;
    }
    if (std::string url = string_at(invoice, "hosted_invoice_url"); !url.empty()) {
        n.data["hosted_invoice_url"] = url;
    }
    if (auto next = integer_at(invoice, "next_payment_attempt")) {
        n.data["next_attempt"] = format_iso8601_utc_seconds(*next);
    }
    return n;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_price_names(std::string_view configured) {
    std::map<std::string, std::string> names;
    while (!configured.empty()) {
        const auto comma = configured.find(',');
        const std::string_view entry = trim_blanks(configured.substr(0, comma));
        configured =
            comma == std::string_view::npos ? std::string_view{} : configured.substr(comma + 1);
        if (entry.empty())
            continue;
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == entry.size()) {
            return fail(Error::config("STRIPE_PRICE_NAMES",
                                      "STRIPE_PRICE_NAMES entry \"" + std::string(entry) +
                                          "\" is not of the form price_id=Plan name"));
        }
        names.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return names;
}

Result<Mapping> map_event(const Event& event,
                          const std::map<std::string, std::string>& price_names) {
    if (event.type == "checkout.session.completed" ||
        event.type == "checkout.session.async_payment_succeeded") {
        return checkout_completed(event);
    }
    if (event.type == "customer.subscription.updated")
        return subscription_updated(event, price_names);
    if (event.type == "customer.subscription.deleted")
        return subscription_deleted(event);
    if (event.type == "invoice.payment_failed")
        return payment_failed(event);
    return Ignored{"txmail sends no email for " + event.type};
}

}  // namespace txmail::stripe
