// The bytes of one SMTP mail transaction (RFC 5321 section 3.3), apart from any I/O: what the
// server's EHLO allows, the command group, and the message data with its dot-stuffing.
//
// libcurl makes the connection, TLS and AUTH (smtp_session.h); the transaction itself is written
// here so that, when the server offers PIPELINING (RFC 2920; Exchange Online and Postfix do),
// MAIL FROM, every RCPT TO and DATA go in one write and the data with its final dot in another:
// two round trips per message instead of four, and two writes instead of five.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/transport/smtp_reply.h"

namespace txmail::transport {

struct SmtpExtensions {
    bool pipelining = false;                // RFC 2920
    std::optional<std::size_t> size_limit;  // RFC 1870 SIZE; 0 means "no fixed limit"

    // From the reply to EHLO: every line after the first names an extension.
    static SmtpExtensions from_ehlo(const SmtpReply& ehlo);
};

// "MAIL FROM:<sender>[ SIZE=n]\r\n" (SIZE when the server announced it, so an oversized
// message is refused before its data is sent), "RCPT TO:<r>\r\n" for each recipient,
// then "DATA\r\n".
std::string transaction_commands(std::string_view sender,
                                 const std::vector<std::string>& recipients,
                                 std::size_t message_size, const SmtpExtensions& extensions);

// Appends `message` as DATA content: a '.' opening a line is doubled (RFC 5321 section 4.5.2),
// a missing final CRLF is added, and the terminating ".\r\n" follows.
void append_message_data(std::string& out, std::string_view message);

}  // namespace txmail::transport
