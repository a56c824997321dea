// SMTP, one command at a time, over a ProbeConnection: what `txmail doctor` needs to show each
// step of a session (greeting, EHLO, STARTTLS, AUTH, MAIL FROM, RSET, QUIT) with the server's own
// words. Sending mail is not its job: the real backend does that (--send-test).
//
// Replies are read as RFC 5321 section 4.2.1 frames them (ddd-text ... ddd text). AUTH is done
// with the SASL mechanisms Exchange Online offers (LOGIN, XOAUTH2) and PLAIN; the credentials
// cross the connection only, never a log, an Error or a returned value. Pure parts (reply lines,
// EHLO keywords, SASL responses) are exposed for tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/transport/probe_connection.h"
#include "txmail/util/error.h"

namespace txmail::transport {

struct ProbeReply {
    int code = 0;
    std::vector<std::string> lines;  // the text after "ddd-" / "ddd " of each line

    bool positive() const { return code >= 200 && code < 400; }
    // The reply as the server sent it, one "ddd text" line per line, joined with "\n".
    std::string text() const;
};

// "250-SIZE 157286400" -> code 250, more lines follow, text "SIZE 157286400". nullopt when the
// line is not a reply line.
struct ReplyLine {
    int code = 0;
    bool more = false;
    std::string text;
};
std::optional<ReplyLine> parse_reply_line(std::string_view line);

// The extensions an EHLO reply announces (RFC 5321 section 4.1.1.1): every line after the first.
struct EhloExtensions {
    std::vector<std::string> lines;  // as announced, e.g. "AUTH LOGIN XOAUTH2", "SIZE 157286400"

    bool has(std::string_view keyword) const;          // case-insensitive, first word
    std::vector<std::string> auth_mechanisms() const;  // upper-cased, from "AUTH ..." lines
};
EhloExtensions parse_ehlo(const ProbeReply& reply);

enum class AuthMechanism { plain, login, xoauth2 };
std::string_view to_string(AuthMechanism mechanism);

// SASL initial responses, base64-encoded (RFC 4616; Microsoft's XOAUTH2 format:
// base64("user=" user "\x01auth=Bearer " token "\x01\x01")).
std::string sasl_plain(std::string_view user, std::string_view password);
std::string sasl_xoauth2(std::string_view user, std::string_view token);

// An unexpected reply as an Error: 4xx transient, 5xx permanent, with the code, the enhanced
// status (RFC 3463, when the first line starts with one of the reply's class) and the reply text
// kept, so that the diagnosis and the person reading it see the server's own words.
Error reply_error(const ProbeReply& reply, std::string message);

// Reads one whole reply.
Result<ProbeReply> read_reply(ProbeConnection& connection);
// Sends `command` and CRLF, then reads the reply.
Result<ProbeReply> send_command(ProbeConnection& connection, std::string_view command);
// Runs the whole AUTH exchange and returns the server's final reply (235 or the refusal).
Result<ProbeReply> authenticate(ProbeConnection& connection, AuthMechanism mechanism,
                                std::string_view user, std::string_view secret);

}  // namespace txmail::transport
