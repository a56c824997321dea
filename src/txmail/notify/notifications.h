// The library API, as the original Django app used it: render one of the seven notifications to a
// mail::Message, or send it now through a Mailer with send_safe semantics.
//
//   txmail::render("welcome", {{"user", {{"id", 7}, {"email", "ada@example.com"}}}})
//   txmail::Notifier notifier(renderer, mailer);
//   notifier.send_view_status_change_email(user, "AAPL", "BUY", "SELL");
//
// The one process-wide object is the renderer behind the free render(): built on its first call
// from the environment and .env (config::load_settings) and kept for the life of the process;
// a settings or template error is returned by every call. Code that has its own Settings builds a
// notify::Renderer and a Notifier instead. Notifier never throws and never fails its caller:
// invalid data comes back as the error (nothing is sent), delivery goes through
// Mailer::send_safe, which logs every attempt.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "txmail/mail/message.h"
#include "txmail/notify/renderer.h"
#include "txmail/transport/mailer.h"
#include "txmail/util/error.h"

namespace txmail {

using TimePoint = std::chrono::system_clock::time_point;

struct User {
    std::string id;
    std::string email;
    std::string name;  // may be empty: the emails then greet without a name
};

struct Money {
    std::int64_t minor_units = 0;  // as Stripe counts them: 2900 with "usd" is $29.00
    std::string currency;          // ISO 4217, any case
};

struct PaymentDetails {
    std::optional<std::string> plan;
    std::optional<Money> amount;
    std::optional<TimePoint> period_end;
};

struct PaymentFailure {
    std::optional<Money> amount_due;
    std::optional<std::string> hosted_invoice_url;  // Stripe's page to pay and update the card
    std::optional<TimePoint> next_attempt;
};

Result<mail::Message> render(std::string_view event, const nlohmann::json& data);

class Notifier {
  public:
    // Both must outlive the Notifier.
    Notifier(const notify::Renderer& renderer, transport::Mailer& mailer);

    transport::SendResult notify(std::string_view event, const nlohmann::json& data) noexcept;

    transport::SendResult send_welcome_email(const User& user) noexcept;
    transport::SendResult send_password_changed_email(
        const User& user, TimePoint changed_at, const std::optional<std::string>& ip = {},
        const std::optional<std::string>& user_agent = {}) noexcept;
    transport::SendResult send_payment_confirmation_email(
        const User& user, const PaymentDetails& payment = {}) noexcept;
    transport::SendResult send_subscription_updated_email(const User& user,
                                                          std::string_view old_plan,
                                                          std::string_view new_plan,
                                                          TimePoint end_date) noexcept;
    transport::SendResult send_subscription_canceled_email(
        const User& user, std::optional<TimePoint> access_until = {}) noexcept;
    transport::SendResult send_payment_failed_email(const User& user,
                                                    const PaymentFailure& failure = {}) noexcept;
    transport::SendResult send_view_status_change_email(const User& user, std::string_view ticker,
                                                        std::string_view old_status,
                                                        std::string_view new_status) noexcept;

  private:
    const notify::Renderer& renderer_;
    transport::Mailer& mailer_;
};

}  // namespace txmail
