// SMTP, one command at a time, over a ProbeConnection: what `txmail doctor` needs to show each
// step of a session (greeting, EHLO, STARTTLS, AUTH, MAIL FROM, RSET, QUIT) with the server's own
// words. Sending mail is not its job: the real backend does that (--send-test).
//
// Replies are assembled by the backend's SmtpReplyReader and refusals turned into Errors by its
// refusal() (smtp_reply.h), so the doctor and the backend read the server alike. AUTH is done
// with the SASL mechanisms Exchange Online offers (LOGIN, XOAUTH2) and PLAIN; the credentials
// cross the connection only, never a log, an Error or a returned value. Pure parts (EHLO
// keywords, SASL responses) are exposed for tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/transport/probe_connection.h"
#include "txmail/transport/smtp_reply.h"
#include "txmail/util/error.h"

namespace txmail::transport {

// The extensions an EHLO reply announces (RFC 5321 section 4.1.1.1): every line after the first.
struct EhloExtensions {
    std::vector<std::string> lines;  // as announced, e.g. "AUTH LOGIN XOAUTH2", "SIZE 157286400"

    bool has(std::string_view keyword) const;          // case-insensitive, first word
    std::vector<std::string> auth_mechanisms() const;  // upper-cased, from "AUTH ..." lines
};
EhloExtensions parse_ehlo(const SmtpReply& reply);

enum class AuthMechanism { plain, login, xoauth2 };
std::string_view to_string(AuthMechanism mechanism);

// SASL initial responses, base64-encoded (RFC 4616; Microsoft's XOAUTH2 format:
// base64("user=" user "\x01auth=Bearer " token "\x01\x01")).
std::string sasl_plain(std::string_view user, std::string_view password);
std::string sasl_xoauth2(std::string_view user, std::string_view token);

// Reads one whole reply.
Result<SmtpReply> read_reply(ProbeConnection& connection);
// Sends `command` and CRLF, then reads the reply.
Result<SmtpReply> send_command(ProbeConnection& connection, std::string_view command);
// Runs the whole AUTH exchange and returns the server's final reply (235 or the refusal).
Result<SmtpReply> authenticate(ProbeConnection& connection, AuthMechanism mechanism,
                               std::string_view user, std::string_view secret);

}  // namespace txmail::transport
