#include "txmail/notify/notifications.h"

#include "txmail/config/settings.h"
#include "txmail/util/iso8601.h"

namespace txmail {
namespace {

using json = nlohmann::json;

json user_data(const User& user) {
    json out{{"id", user.id}, {"email", user.email}};
    if (!user.name.empty())
        out["name"] = user.name;
    return out;
}

// The event data for a helper: the user plus the fields that have a value.
struct DataBuilder {
    json data;

    explicit DataBuilder(const User& user) : data{{"user", user_data(user)}} {}
    DataBuilder& set(const char* name, std::string_view value) {
        data[name] = value;
        return *this;
    }
    DataBuilder& set(const char* name, const std::optional<std::string>& value) {
        if (value)
            data[name] = *value;
        return *this;
    }
    DataBuilder& set(const char* name, std::optional<TimePoint> value) {
        if (value)
            data[name] = format_iso8601_utc(*value);
        return *this;
    }
    DataBuilder& set(const char* name, const std::optional<Money>& value) {
        if (value) {
            data[name] = value->minor_units;
            data["currency"] = value->currency;
        }
        return *this;
    }
};

const Result<notify::Renderer>& default_renderer() {
    static const Result<notify::Renderer> renderer = []() -> Result<notify::Renderer> {
        auto settings = config::load_settings(config::process_environment());
        if (!settings)
            return fail(settings.error());
        return notify::Renderer::from_settings(*settings);
    }();
    return renderer;
}

}  // namespace

Result<mail::Message> render(std::string_view event, const nlohmann::json& data) {
    const auto& renderer = default_renderer();
    if (!renderer)
        return fail(renderer.error());
    return renderer->render(event, data);
}

Notifier::Notifier(const notify::Renderer& renderer, transport::Mailer& mailer)
    : renderer_(renderer), mailer_(mailer) {}

transport::SendResult Notifier::notify(std::string_view event,
                                       const nlohmann::json& data) noexcept {
    try {
        auto message = renderer_.render(event, data);
        if (!message)
            return fail(message.error());
        return mailer_.send_safe(*message);
    } catch (const std::exception& e) {
        return fail(Error::internal("cannot render " + std::string(event) + ": " + e.what()));
    }
}

transport::SendResult Notifier::send_welcome_email(const User& user) noexcept {
    return notify("welcome", DataBuilder(user).data);
}

transport::SendResult Notifier::send_password_changed_email(
    const User& user, TimePoint changed_at, const std::optional<std::string>& ip,
    const std::optional<std::string>& user_agent) noexcept {
    return notify("password_changed", DataBuilder(user)
                                          .set("changed_at", std::optional(changed_at))
                                          .set("ip", ip)
                                          .set("user_agent", user_agent)
                                          .data);
}

transport::SendResult Notifier::send_payment_confirmation_email(
    const User& user, const PaymentDetails& payment) noexcept {
    return notify("payment_confirmation", DataBuilder(user)
                                              .set("plan", payment.plan)
                                              .set("amount", payment.amount)
                                              .set("period_end", payment.period_end)
                                              .data);
}

transport::SendResult Notifier::send_subscription_updated_email(const User& user,
                                                                std::string_view old_plan,
                                                                std::string_view new_plan,
                                                                TimePoint end_date) noexcept {
    return notify("subscription_updated", DataBuilder(user)
                                              .set("old_plan", old_plan)
                                              .set("new_plan", new_plan)
                                              .set("end_date", std::optional(end_date))
                                              .data);
}

transport::SendResult Notifier::send_subscription_canceled_email(
    const User& user, std::optional<TimePoint> access_until) noexcept {
    return notify("subscription_canceled",
                  DataBuilder(user).set("access_until", access_until).data);
}

transport::SendResult Notifier::send_payment_failed_email(const User& user,
                                                          const PaymentFailure& failure) noexcept {
    return notify("payment_failed", DataBuilder(user)
                                        .set("amount_due", failure.amount_due)
                                        .set("hosted_invoice_url", failure.hosted_invoice_url)
                                        .set("next_attempt", failure.next_attempt)
                                        .data);
}

transport::SendResult Notifier::send_view_status_change_email(
    const User& user, std::string_view ticker, std::string_view old_status,
    std::string_view new_status) noexcept {
    return notify("view_status_changed", DataBuilder(user)
                                             .set("ticker", ticker)
                                             .set("old_status", old_status)
                                             .set("new_status", new_status)
                                             .data);
}

}  // namespace txmail
