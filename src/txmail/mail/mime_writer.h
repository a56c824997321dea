// Renders a Message to RFC 5322 bytes (CRLF line endings) with MIME (RFC 2045-2047, 2231).
//
// Structure: text only -> text/plain; text + HTML -> multipart/alternative (text first, so the
// richest part is last as RFC 2046 section 5.1.4 asks); attachments -> multipart/mixed around
// that. Headers are ASCII: non-ASCII subjects and names become UTF-8 encoded-words that never split
// a UTF-8 sequence, folded at 78 columns where possible, never over 998 octets. Bodies choose
// 7bit, quoted-printable or base64, whichever their content needs. Bcc never appears.
// Errors name the field: CR/LF/NUL in any header value, a bad extra header name, no recipient.
//
// Decisions: extra headers cannot replace the headers txmail writes (From, To, Cc, Reply-To,
// Subject, Date, Message-ID, MIME-Version, Content-*) nor add Bcc; each has its Message member
// (header_rules.h). Non-ASCII extra header values are taken as unstructured text and encoded.
// Attachments are always base64. A single text part sent as 7bit always ends with a line break
// (the message must end with CRLF); everywhere else bodies decode to exactly the text given, line
// breaks written as CRLF.
#pragma once

#include <string>
#include <vector>

#include "txmail/mail/message.h"
#include "txmail/util/error.h"

namespace txmail::mail {

// What goes on the wire: SMTP envelope (ASCII, domains in punycode) apart from the header bytes.
struct Envelope {
    std::string sender;                   // MAIL FROM addr-spec
    std::vector<std::string> recipients;  // RCPT TO addr-specs: to + cc + bcc, de-duplicated
};

// A message ready for any backend; this is also what the outbox stores, so that what is queued is
// exactly what is sent.
struct RenderedMessage {
    Envelope envelope;
    std::string message_id;  // without angle brackets
    std::string subject;     // UTF-8, for logs only
    std::string bytes;       // the RFC 5322 message, CRLF line endings
};

Result<std::string> render(const Message& message);
// render() plus the envelope; fails when there is no recipient or an address cannot be encoded.
Result<RenderedMessage> prepare(const Message& message);

}  // namespace txmail::mail
