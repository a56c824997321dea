#include "txmail/transport/smtp_probe.h"

#include <algorithm>

#include "txmail/util/base64.h"
#include "txmail/util/strings.h"

namespace txmail::transport {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string first_word(std::string_view text) {
    return std::string(text.substr(0, text.find(' ')));
}

// A reply can go on for a while (EHLO lists), but not forever.
constexpr std::size_t kMaxReplyLines = 100;

}  // namespace

bool EhloExtensions::has(std::string_view keyword) const {
    return std::ranges::any_of(
        lines, [&](const std::string& line) { return iequals_ascii(first_word(line), keyword); });
}

std::vector<std::string> EhloExtensions::auth_mechanisms() const {
    std::vector<std::string> out;
    for (const std::string& line : lines) {
        // "AUTH=LOGIN" is an old spelling some servers still announce beside "AUTH LOGIN".
        std::string_view rest = line;
        if (rest.size() < 5 || !iequals_ascii(rest.substr(0, 4), "AUTH") ||
            (rest[4] != ' ' && rest[4] != '='))
            continue;
        rest.remove_prefix(5);
        while (!rest.empty()) {
            const auto end = rest.find(' ');
            std::string mechanism(rest.substr(0, end));
            std::ranges::transform(mechanism, mechanism.begin(), [](char c) {
                return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
            });
            if (!mechanism.empty() && std::ranges::find(out, mechanism) == out.end())
                out.push_back(std::move(mechanism));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        }
    }
    return out;
}

EhloExtensions parse_ehlo(const SmtpReply& reply) {
    EhloExtensions out;
    if (reply.lines.size() > 1)
        out.lines.assign(reply.lines.begin() + 1, reply.lines.end());
    return out;
}

std::string_view to_string(AuthMechanism mechanism) {
    switch (mechanism) {
        case AuthMechanism::plain:
            return "PLAIN";
        case AuthMechanism::login:
            return "LOGIN";
        case AuthMechanism::xoauth2:
            return "XOAUTH2";
    }
    return "PLAIN";
}

std::string sasl_plain(std::string_view user, std::string_view password) {
    std::string message;
    message.reserve(user.size() + password.size() + 2);
    message.append(1, '\0').append(user).append(1, '\0').append(password);
    return base64_encode(message);
}

std::string sasl_xoauth2(std::string_view user, std::string_view token) {
    std::string message = "user=";
    message.append(user)
        .append(
            "\x01"
            "auth=Bearer ")
        .append(token)
        .append("\x01\x01");
    return base64_encode(message);
}

Result<SmtpReply> read_reply(ProbeConnection& connection) {
    SmtpReplyReader reader;
    for (std::size_t lines = 0; lines < kMaxReplyLines; ++lines) {
        auto line = connection.read_line();
        if (!line)
            return fail(line.error());
        // Not a server speaking SMTP (an HTTP or TLS port, say): say so now, not at the timeout.
        if (line->empty() || !is_digit(line->front()))
            return fail(Error::transient("the server's answer is not an SMTP reply: \"" +
                                         line->substr(0, 200) + "\""));
        reader.feed(*line + "\r\n");
        // take(), not last(): last() leaves out 221, and QUIT's 221 is a reply the doctor shows.
        if (auto reply = reader.take())
            return *reply;
    }
    return fail(Error::transient("the server's reply goes on for more than " +
                                 std::to_string(kMaxReplyLines) + " lines"));
}

Result<SmtpReply> send_command(ProbeConnection& connection, std::string_view command) {
    std::string line(command);
    line += "\r\n";
    if (auto sent = connection.send(line); !sent)
        return fail(sent.error());
    return read_reply(connection);
}

Result<SmtpReply> authenticate(ProbeConnection& connection, AuthMechanism mechanism,
                               std::string_view user, std::string_view secret) {
    switch (mechanism) {
        case AuthMechanism::plain:
            return send_command(connection, "AUTH PLAIN " + sasl_plain(user, secret));
        case AuthMechanism::xoauth2: {
            auto reply = send_command(connection, "AUTH XOAUTH2 " + sasl_xoauth2(user, secret));
            // A 334 carries the error details (base64 JSON); an empty line asks for the final
            // reply, which then says 535 (Google's protocol; Exchange Online answers 535 at once).
            if (reply && reply->code == 334)
                return send_command(connection, "");
            return reply;
        }
        case AuthMechanism::login: {
            auto reply = send_command(connection, "AUTH LOGIN");
            if (!reply || reply->code != 334)
                return reply;
            reply = send_command(connection, base64_encode(user));
            if (!reply || reply->code != 334)
                return reply;
            return send_command(connection, base64_encode(secret));
        }
    }
    return fail(Error::internal("unknown AUTH mechanism"));
}

}  // namespace txmail::transport
