// The message model (as Django's EmailMessage): a plain value with everything one email carries.
//
// render() turns it into RFC 5322 bytes (see mime_writer.h); the envelope (envelope_sender(),
// recipients()) is kept apart from the headers so that Bcc recipients receive the message
// without appearing in it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "txmail/mail/address.h"
#include "txmail/util/error.h"

namespace txmail::mail {

struct Header {
    std::string name;
    std::string value;
    friend bool operator==(const Header&, const Header&) = default;
};

struct Attachment {
    std::string filename;      // UTF-8; encoded per RFC 2231 when not ASCII
    std::string content_type;  // e.g. "application/pdf"; empty -> application/octet-stream
    std::string data;          // raw bytes
};

struct Message {
    Address from;
    std::vector<Address> to;
    std::vector<Address> cc;
    std::vector<Address> bcc;
    std::vector<Address> reply_to;
    std::string subject;              // UTF-8
    std::string text;                 // UTF-8 plain-text body, any line ending
    std::optional<std::string> html;  // UTF-8 HTML alternative
    std::vector<Header> headers;      // extra headers, validated at render time
    std::vector<Attachment> attachments;

    // Set by the caller to pin them (the outbox stores rendered bytes, tests want fixed output);
    // otherwise render() fills them from the clock and a random token.
    std::optional<std::string> message_id;  // without angle brackets: "token@domain"
    std::optional<std::chrono::system_clock::time_point> date;

    // to + cc + bcc in first-seen order, de-duplicated on the addr-spec with the domain compared
    // ASCII case-insensitively and the local part as written (RFC 5321 section 2.4). Kept simple
    // on purpose: non-ASCII letters in domains are not case-folded ("Ü" and "ü" differ).
    std::vector<Address> recipients() const;
    const Address& envelope_sender() const { return from; }
};

}  // namespace txmail::mail
