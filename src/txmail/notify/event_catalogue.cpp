#include "txmail/notify/event_catalogue.h"

#include <algorithm>
#include <array>

#include "txmail/notify/priority.h"

namespace txmail::notify {
namespace {

using enum FieldType;

// The recipient comes first in every event; name is optional because many accounts (and Stripe
// customers) have none, and the templates greet such users without it.
constexpr std::array user_fields{
    FieldSpec{"user.id", identifier, true},
    FieldSpec{"user.email", email, true},
    FieldSpec{"user.name", label, false},
};

template <std::size_t N>
constexpr std::array<FieldSpec, user_fields.size() + N> with_user(std::array<FieldSpec, N> own) {
    std::array<FieldSpec, user_fields.size() + N> out{};
    std::ranges::copy(user_fields, out.begin());
    std::ranges::copy(own, out.begin() + user_fields.size());
    return out;
}

constexpr auto welcome_fields = with_user(std::array<FieldSpec, 0>{});
constexpr auto password_changed_fields = with_user(std::array{
    FieldSpec{"changed_at", datetime, true},
    FieldSpec{"ip", ip_address, false},
    FieldSpec{"user_agent", text, false},
});
constexpr auto payment_confirmation_fields = with_user(std::array{
    FieldSpec{"plan", label, false},
    FieldSpec{"amount", money, false, "currency"},
    FieldSpec{"currency", currency, false},
    FieldSpec{"period_end", date, false},
});
constexpr auto subscription_updated_fields = with_user(std::array{
    FieldSpec{"old_plan", label, true},
    FieldSpec{"new_plan", label, true},
    FieldSpec{"end_date", date, true},
});
constexpr auto subscription_canceled_fields = with_user(std::array{
    FieldSpec{"access_until", date, false},
});
constexpr auto payment_failed_fields = with_user(std::array{
    FieldSpec{"amount_due", money, false, "currency"},
    FieldSpec{"currency", currency, false},
    FieldSpec{"hosted_invoice_url", url, false},
    FieldSpec{"next_attempt", datetime, false},
});
constexpr auto view_status_changed_fields = with_user(std::array{
    FieldSpec{"ticker", ticker, true},
    FieldSpec{"old_status", status, true},
    FieldSpec{"new_status", status, true},
});

constexpr std::array catalogue{
    EventSpec{"welcome", "a user registers", welcome_fields, priority::normal},
    EventSpec{"password_changed", "a user changes the password", password_changed_fields,
              priority::high},
    EventSpec{"payment_confirmation", "Stripe checkout.session.completed",
              payment_confirmation_fields, priority::high},
    EventSpec{"subscription_updated", "Stripe customer.subscription.updated",
              subscription_updated_fields, priority::high},
    EventSpec{"subscription_canceled", "Stripe customer.subscription.deleted",
              subscription_canceled_fields, priority::high},
    EventSpec{"payment_failed", "Stripe invoice.payment_failed", payment_failed_fields,
              priority::high},
    EventSpec{"view_status_changed", "a followed ticker's view changes (one email per follower)",
              view_status_changed_fields, priority::low},
};

}  // namespace

std::string_view to_string(FieldType type) {
    switch (type) {
        case identifier:
            return "a string or an integer";
        case text:
            return "a string";
        case label:
            return "a string";
        case status:
            return "a string such as BUY, HOLD or SELL";
        case email:
            return "a bare email address such as ada@example.com";
        case date:
        case datetime:
            return "an ISO 8601 date such as 2026-12-24 or 2026-12-24T10:30:00Z";
        case money:
            return "a whole number of minor units, e.g. 2900 for $29.00";
        case currency:
            return "a three-letter ISO 4217 currency code such as usd";
        case url:
            return "an absolute http(s) URL";
        case ip_address:
            return "an IPv4 or IPv6 address";
        case ticker:
            return "a ticker symbol of 1-20 letters, digits or . - ^ = : _";
    }
    return "a value";
}

std::span<const EventSpec> events() {
    return catalogue;
}

std::string event_names() {
    std::string out;
    for (const EventSpec& spec : catalogue) {
        if (!out.empty())
            out += ", ";
        out += spec.name;
    }
    return out;
}

Result<const EventSpec*> lookup_event(std::string_view name) {
    for (const EventSpec& spec : catalogue) {
        if (spec.name == name)
            return &spec;
    }
    return fail(Error::invalid(
        "event", "unknown event \"" + std::string(name) + "\"; known events: " + event_names()));
}

}  // namespace txmail::notify
