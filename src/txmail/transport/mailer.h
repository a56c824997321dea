// The library's front door for sending, mirroring the original Django code: send() reports
// failure to the caller (fail_silently=False); send_safe() never throws and never fails the
// caller: it logs and returns the result (the original's send_safe_email).
//
// Every attempt, accepted or not, is logged once on the `security` logger with recipients,
// subject, backend, outcome and, on failure, the server's reply and the diagnosis.
#pragma once

#include <memory>

#include "txmail/mail/message.h"
#include "txmail/transport/backend.h"

namespace txmail::transport {

class Mailer {
  public:
    explicit Mailer(std::unique_ptr<Backend> backend);
    // Builds the configured backend (make_backend); config errors surface here, at start-up.
    static Result<Mailer> from_settings(const config::Settings& settings);

    SendResult send(const mail::Message& message);
    std::vector<SendResult> send_messages(std::span<const mail::Message> messages);
    SendResult send_safe(const mail::Message& message) noexcept;
    // Already rendered (what the outbox stores, what a caller checked with prepare()): the same
    // logging, no second render.
    SendResult send(const mail::RenderedMessage& message);
    std::vector<SendResult> send_messages(std::span<const mail::RenderedMessage> messages);

    Backend& backend() { return *backend_; }

  private:
    std::unique_ptr<Backend> backend_;
};

}  // namespace txmail::transport
