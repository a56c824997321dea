// One SMTP connection at a time, kept open across messages. libcurl makes it (TCP, implicit TLS or
// STARTTLS, certificate checks, EHLO, AUTH with a password or XOAUTH2: CURLOPT_CONNECT_ONLY), so
// the parts that carry credentials and trust are libcurl's; the mail transactions on it are
// written here (smtp_transaction.h) with RFC 2920 pipelining when the server offers it: MAIL
// FROM, RCPT TO and DATA in one write, the data and its final dot in another.
//
// Recipients are all or nothing: if any RCPT is refused the message is not sent (RSET, or, when
// DATA was already accepted in a pipelined group, the connection is dropped before the final
// dot, which makes the server discard the transaction, RFC 5321 section 4.1.1.4).
//
// Replies during connect and AUTH come from libcurl's debug callback, CURLINFO_HEADER_IN only:
// the commands we send (CURLINFO_HEADER_OUT) carry AUTH credentials and are never looked at, nor
// is anything else libcurl traces; after that they are read from the connection. Nothing here
// logs. EMAIL_TIMEOUT bounds every wait: each reply and write here, and libcurl's connect/AUTH
// through an IdleWatchdog (no progress for that long ends it, reported as a timeout).
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
    const std::string* bearer = nullptr;  // XOAUTH2 token, used when a connection is made
    bool fresh_connection = false;        // do not reuse the open connection
};

class SmtpSession {
  public:
    static Result<std::unique_ptr<SmtpSession>> create(const SmtpOptions& options);
    ~SmtpSession();  // QUIT and close
    SmtpSession(const SmtpSession&) = delete;
    SmtpSession& operator=(const SmtpSession&) = delete;

    // The server's final reply ("250 2.0.0 Ok: queued as ...") or the failure.
    std::expected<std::string, SmtpTransferFailure> transfer(const mail::RenderedMessage& message,
                                                             const TransferOptions& how);

    std::size_t connections_opened() const;

    struct Handle;  // libcurl's handle and what its callbacks reach (smtp_session.cpp)

  private:
    explicit SmtpSession(std::unique_ptr<Handle> handle);

    std::unique_ptr<Handle> handle_;
};

}  // namespace txmail::transport
