// Renders a Message to RFC 5322 bytes (CRLF line endings) with MIME (RFC 2045-2047, 2231).
//
// Structure: text only -> text/plain; text + HTML -> multipart/alternative (text first, so the
// richest part is last as RFC 2046 section 5.1.4 asks); attachments -> multipart/mixed around
// that. Headers are ASCII: non-ASCII subjects and names become UTF-8 encoded-words that never split
// a UTF-8 sequence, folded at 78 columns where possible, never over 998 octets. Bodies choose
// 7bit, quoted-printable or base64, whichever their content needs. Bcc never appears.
// Errors name the field: CR/LF/NUL in any header value, a bad extra header name, no recipient.
#pragma once

#include <string>

#include "txmail/mail/message.h"
#include "txmail/util/error.h"

namespace txmail::mail {

Result<std::string> render(const Message& message);

}  // namespace txmail::mail
