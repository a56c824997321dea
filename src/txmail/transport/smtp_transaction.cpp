#include "txmail/transport/smtp_transaction.h"

#include <charconv>

#include "txmail/util/strings.h"

namespace txmail::transport {

SmtpExtensions SmtpExtensions::from_ehlo(const SmtpReply& ehlo) {
    SmtpExtensions out;
    for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
        const std::string_view line = ehlo.lines[i];
        const std::string_view keyword = line.substr(0, line.find(' '));
        if (iequals_ascii(keyword, "PIPELINING")) {
            out.pipelining = true;
        } else if (iequals_ascii(keyword, "SIZE")) {
            std::size_t limit = 0;
            if (keyword.size() < line.size()) {
                const std::string_view value = line.substr(keyword.size() + 1);
                std::from_chars(value.data(), value.data() + value.size(), limit);
            }
            out.size_limit = limit;
        }
    }
    return out;
}

std::string transaction_commands(std::string_view sender,
                                 const std::vector<std::string>& recipients,
                                 std::size_t message_size, const SmtpExtensions& extensions) {
    std::string out;
    out.reserve(32 + sender.size() + recipients.size() * 48);
    out.append("MAIL FROM:<").append(sender).append(">");
    if (extensions.size_limit)
        out.append(" SIZE=").append(std::to_string(message_size));
    out.append("\r\n");
    for (const std::string& recipient : recipients)
        out.append("RCPT TO:<").append(recipient).append(">\r\n");
    out.append("DATA\r\n");
    return out;
}

void append_message_data(std::string& out, std::string_view message) {
    out.reserve(out.size() + message.size() + message.size() / 64 + 8);
    bool line_start = true;
    std::size_t done = 0;
    // Copy runs between the points where a line starts with '.', doubling that dot.
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (line_start && message[i] == '.') {
            out.append(message.substr(done, i - done)).push_back('.');
            done = i;
        }
        line_start = message[i] == '\n';
    }
    out.append(message.substr(done));
    if (!message.ends_with("\r\n"))
        out.append("\r\n");
    out.append(".\r\n");
}

}  // namespace txmail::transport
