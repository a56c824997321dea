// The SMTP backend (EMAIL_BACKEND=smtp, or Django's django.core.mail.backends.smtp.EmailBackend):
// libcurl connects, does STARTTLS or implicit TLS and AUTH with a password (PLAIN/LOGIN, whichever
// the server offers) or OAuth 2.0 (XOAUTH2); the mail transactions follow on that connection
// (smtp_session.h), pipelined when the server allows. Settings as in smtp_options.h.
//
// One connection for everything while the backend is open: a batch, and the batches after it,
// go over the same TCP/TLS session with one AUTH; close() or destruction sends QUIT. A connection
// the server closed while idle is replaced without the caller noticing: it is checked before it
// is used, and a message that failed on a reused connection before the server took its data is
// sent again, once, on a fresh one (it cannot have been delivered).
//
// Failures (smtp_failure.h) carry the server's words: code, enhanced status, full reply. A
// failure every further message would hit too (no connection, TLS, authentication, a timeout)
// fails the rest of the batch with the same error, untried. With OAuth a refused AUTH
// invalidates the token and is tried once more with a fresh one.
//
// Recipients: all or nothing. Every RCPT must be accepted or the message is not sent to anyone
// and fails with the refusing reply. Django, through smtplib, sends to the accepted recipients
// and drops the refused ones silently; a transactional message has one recipient in practice,
// and all-or-nothing means a retry never delivers twice.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "txmail/microsoft365/token_source.h"
#include "txmail/transport/backend.h"
#include "txmail/transport/smtp_options.h"

namespace txmail::config {
class Settings;
}

namespace txmail::transport {

class SmtpSession;

class SmtpBackend final : public Backend {
  public:
    // tokens: required when options.oauth is set (XOAUTH2), ignored otherwise.
    explicit SmtpBackend(SmtpOptions options,
                         std::shared_ptr<microsoft365::TokenSource> tokens = nullptr);
    ~SmtpBackend() override;

    std::string_view name() const override { return "smtp"; }
    // Prepares the libcurl handle; the connection itself is made by the first message.
    Result<void> open() override;
    void close() override;
    std::vector<SendResult> send_messages(std::span<const mail::RenderedMessage> messages) override;

    const SmtpOptions& options() const { return options_; }
    // TCP connections opened so far (for tests and the benchmark: reuse means few).
    std::size_t connections_opened() const;

  private:
    SendResult send_one(const mail::RenderedMessage& message, std::optional<Error>& batch_error);

    SmtpOptions options_;
    std::shared_ptr<microsoft365::TokenSource> tokens_;
    std::unique_ptr<SmtpSession> session_;
    std::size_t closed_connections_ = 0;  // counted by sessions already closed
};

Result<std::unique_ptr<Backend>> make_smtp_backend(const config::Settings& settings);

}  // namespace txmail::transport
