#include "txmail/service/stripe_webhook_processor.h"

#include <algorithm>

#include "txmail/stripe/signature.h"

namespace txmail::service {
namespace {

constexpr std::string_view subscription_updated_type = "customer.subscription.updated";
constexpr std::string_view subscription_deleted_type = "customer.subscription.deleted";

bool is_subscription_event(std::string_view type) {
    return type == subscription_updated_type || type == subscription_deleted_type;
}

// Why a subscription event must not be acted on, or empty when it may.
std::string out_of_order_reason(const stripe::Event& event,
                                const std::optional<SubscriptionState>& state) {
    if (!state || event.type != subscription_updated_type)
        return {};
    if (state->deleted)
        return "subscription already deleted";
    if (event.created < state->last_created)
        return "older than the last event acted on (" + std::to_string(state->last_created) + ")";
    return {};
}

}  // namespace

Result<StripeWebhookResult> StripeWebhookProcessor::audit(const StripeWebhookInput& input,
                                                          StripeWebhookResult result, bool valid) {
    WebhookRequest request;
    request.received_at = options_.clock();
    request.source_ip = input.source_ip;
    request.headers = input.headers;
    request.body = input.body;
    request.valid = valid;
    request.reason = result.reason;
    request.event_id = result.event_id;
    request.outcome = result.outcome;
    if (auto recorded = ledger_.record_request(request); !recorded)
        return fail(recorded.error());
    return result;
}

Result<StripeWebhookResult> StripeWebhookProcessor::receive(const StripeWebhookInput& input) {
    if (auto verified = stripe::verify_signature(input.body, input.signature_header,
                                                 options_.secrets, options_.clock(),
                                                 options_.tolerance);
        !verified)
        return audit(input, {400, "invalid_signature", {}, verified.error().message}, false);

    auto event = stripe::parse_event(input.body);
    if (!event)
        return audit(input, {400, "invalid_payload", {}, event.error().describe()}, true);

    auto seen = ledger_.find_event(event->id);
    if (!seen)
        return fail(seen.error());
    if (*seen)
        return audit(input, {200, "duplicate", event->id, "already " + (*seen)->status}, true);

    auto acted = act(*event, input.body);
    if (!acted)
        return fail(acted.error());
    if (auto saved = ledger_.save_event(acted->record); !saved)
        return fail(saved.error());
    return audit(input, {200, acted->outcome, event->id, acted->record.result}, true);
}

Result<StripeWebhookProcessor::Acted> StripeWebhookProcessor::act(const stripe::Event& event,
                                                                  std::string payload) {
    StripeEventRecord record;
    record.event_id = event.id;
    record.type = event.type;
    record.created = event.created;
    record.payload = std::move(payload);

    auto mapping = stripe::map_event(event, options_.price_names);
    if (!mapping) {
        // Stripe would retry a non-2xx answer for days; a payload we cannot use will not improve.
        record.status = stripe_event_status::ignored;
        record.result = "unusable: " + mapping.error().describe();
        return Acted{"ignored", std::move(record)};
    }
    if (const auto* ignored = std::get_if<stripe::Ignored>(&*mapping)) {
        record.status = stripe_event_status::ignored;
        record.result = ignored->reason;
        return Acted{"ignored", std::move(record)};
    }
    return notify(event, std::get<stripe::Notification>(*mapping), std::move(record));
}

Result<StripeWebhookProcessor::Acted> StripeWebhookProcessor::notify(
    const stripe::Event& event, const stripe::Notification& notification,
    StripeEventRecord record) {
    record.customer_id = notification.customer.customer_id;
    const bool ordered = is_subscription_event(event.type) && !notification.subscription_id.empty();
    std::optional<SubscriptionState> state;
    if (ordered) {
        auto loaded = ledger_.subscription(notification.subscription_id);
        if (!loaded)
            return fail(loaded.error());
        state = *loaded;
        if (auto reason = out_of_order_reason(event, state); !reason.empty()) {
            record.status = stripe_event_status::ignored;
            record.result = "out of order: " + reason;
            return Acted{"out_of_order", std::move(record)};
        }
    }

    auto contact = find_customer(notification.customer);
    if (!contact)
        return fail(contact.error());
    if (!*contact) {
        record.status = stripe_event_status::pending_customer;
        record.result = "waiting for customer " + notification.customer.customer_id;
        return Acted{"pending_customer", std::move(record)};
    }
    const Contact& user = **contact;
    if (event.type == "checkout.session.completed" && !notification.customer.customer_id.empty() &&
        user.stripe_customer_id != notification.customer.customer_id) {
        if (auto linked = customers_.link(user.id, notification.customer.customer_id); !linked)
            return fail(linked.error());
    }

    nlohmann::json data = notification.data;
    data["user"] = {{"id", user.id}, {"email", user.email}, {"name", user.name}};
    auto queued = notifier_.notify({notification.event, std::move(data), "stripe:" + event.id});
    if (!queued)
        return fail(queued.error());

    if (ordered) {
        SubscriptionState next = state.value_or(SubscriptionState{});
        next.last_created = std::max(next.last_created, event.created);
        next.deleted = next.deleted || event.type == subscription_deleted_type;
        if (auto saved = ledger_.save_subscription(notification.subscription_id, next); !saved)
            return fail(saved.error());
    }
    record.status = stripe_event_status::processed;
    record.result = notification.event + " queued for user " + user.id;
    record.message_ids.push_back(static_cast<std::int64_t>(queued->id));
    return Acted{"queued", std::move(record)};
}

Result<std::optional<Contact>> StripeWebhookProcessor::find_customer(
    const stripe::CustomerRef& customer) {
    if (!customer.user_id.empty()) {
        auto found = customers_.by_user_id(customer.user_id);
        if (!found || *found)
            return found;
    }
    if (!customer.customer_id.empty()) {
        auto found = customers_.by_customer_id(customer.customer_id);
        if (!found || *found)
            return found;
    }
    if (!customer.email.empty())
        return customers_.by_email(customer.email);
    return std::optional<Contact>{};
}

Result<int> StripeWebhookProcessor::deliver_pending_for_customer(const std::string& customer_id) {
    auto pending = ledger_.pending_for_customer(customer_id);
    if (!pending)
        return fail(pending.error());
    int queued = 0;
    for (StripeEventRecord& kept : *pending) {
        auto event = stripe::parse_event(kept.payload);
        if (!event)
            return fail(event.error());
        auto acted = act(*event, std::move(kept.payload));
        if (!acted)
            return fail(acted.error());
        if (acted->outcome == "queued")
            ++queued;
        if (auto saved = ledger_.save_event(acted->record); !saved)
            return fail(saved.error());
    }
    return queued;
}

}  // namespace txmail::service
