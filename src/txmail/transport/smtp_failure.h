// What a failed SMTP transfer means, decided from what the backend saw: a libcurl result code and
// error text (libcurl's own while it connects and signs in, the same codes and "RCPT failed: 550"
// style texts from the transaction code in smtp_session.cpp), the server's last reply
// (smtp_reply.h), whether the server had taken DATA and whether the connection was a reused one.
// Pure, so every case is unit-tested.
//
// The server's words win: when the last reply was a refusal (4xx/5xx) the Error is that reply
// (refusal(): code, enhanced status, full text), with a message saying what was refused (the
// sender, a recipient, the credentials, the message). Otherwise libcurl's result decides:
// network trouble and timeouts are transient; a TLS certificate that does not verify, STARTTLS
// missing while EMAIL_USE_TLS requires it, or an unusable client certificate are config errors
// naming the setting; anything else is internal. Messages name the server (host:port), never
// a credential.
//
// Retry policy, also here: a failure on a reused connection before the server took DATA, of the
// kind an idle-closed connection produces (connection reset, nothing received, 421), is retried
// once on a fresh connection: the message cannot have been delivered. A failure that every
// further message would hit too (cannot connect, TLS, authentication, a timeout) ends the batch:
// the remaining messages get the same error without another attempt, so a bad password is not
// tried a hundred times (Exchange Online blocks mailboxes that keep failing) and a dead server
// costs one timeout, not one per message.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "txmail/transport/smtp_options.h"
#include "txmail/transport/smtp_reply.h"
#include "txmail/util/error.h"

namespace txmail::transport {

struct SmtpTransferFailure {
    CURLcode curl_code = CURLE_OK;
    std::string curl_message;        // libcurl's error buffer, e.g. "RCPT failed: 550"
    std::optional<SmtpReply> reply;  // the last complete reply of this transfer
    bool data_accepted = false;      // a 354 came: the message data was on its way
    bool reused_connection = false;  // libcurl opened no connection for this transfer
};

Error classify_failure(const SmtpTransferFailure& failure, const SmtpOptions& options);

bool retry_on_fresh_connection(const SmtpTransferFailure& failure);

// The batch stops here: the rest of the messages would fail the same way.
bool ends_batch(const SmtpTransferFailure& failure);

}  // namespace txmail::transport
