// One libcurl easy handle set up for SMTP from SmtpOptions. libcurl keeps the connection open on
// the handle between transfers, so consecutive messages share one TCP (and TLS) session and one
// AUTH; destroying the session sends QUIT and closes it.
//
// transfer() sends one rendered message: envelope through CURLOPT_MAIL_FROM / CURLOPT_MAIL_RCPT
// (every recipient must be accepted, see smtp_backend.h), bytes through CURLOPT_READFUNCTION
// (libcurl dot-stuffs them and ends the data). It returns the server's final reply, or what the
// failure looked like (smtp_failure.h) for the backend to judge.
//
// The server's replies are read from libcurl's debug callback, CURLINFO_HEADER_IN only: the
// commands we send (CURLINFO_HEADER_OUT) carry AUTH credentials and are never looked at, nor is
// anything else libcurl traces. Nothing here logs. EMAIL_TIMEOUT is enforced by an IdleWatchdog
// (idle_watchdog.h): no progress for that long, on a command, a reply or the data, ends the
// transfer, reported as a timeout.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

#include "txmail/mail/mime_writer.h"
#include "txmail/transport/smtp_failure.h"
#include "txmail/transport/smtp_options.h"
#include "txmail/util/error.h"

namespace txmail::transport {

struct TransferOptions {
    const std::string* bearer = nullptr;  // XOAUTH2 token, when signing in with OAuth
    bool fresh_connection = false;        // do not reuse the open connection
};

class SmtpSession {
  public:
    static Result<std::unique_ptr<SmtpSession>> create(const SmtpOptions& options);
    ~SmtpSession();
    SmtpSession(const SmtpSession&) = delete;
    SmtpSession& operator=(const SmtpSession&) = delete;

    // The server's final reply ("250 2.0.0 Ok: queued as ...") or the failure.
    std::expected<std::string, SmtpTransferFailure> transfer(const mail::RenderedMessage& message,
                                                             const TransferOptions& how);

    std::size_t connections_opened() const { return connections_opened_; }

    struct Handle;  // libcurl's handle and what its callbacks reach (smtp_session.cpp)

  private:
    explicit SmtpSession(std::unique_ptr<Handle> handle);

    std::unique_ptr<Handle> handle_;
    std::size_t connections_opened_ = 0;
};

}  // namespace txmail::transport
