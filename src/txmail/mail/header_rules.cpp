#include "txmail/mail/header_rules.h"

#include <algorithm>
#include <array>
#include <string>

#include "txmail/util/strings.h"
#include "txmail/util/utf8.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kMaxHeaderName = 76;  // "Name:" and one character fit a 78-column line

// Headers the renderer writes from Message members (or never writes, as Bcc).
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kReserved{{
    {"from", "the from field"},
    {"to", "the to field"},
    {"cc", "the cc field"},
    {"bcc", "the bcc field (Bcc never appears in the headers)"},
    {"reply-to", "the reply_to field"},
    {"subject", "the subject field"},
    {"date", "the date field"},
    {"message-id", "the message_id field"},
    {"mime-version", "nothing: txmail writes it"},
    {"content-type", "nothing: txmail writes the MIME structure"},
    {"content-transfer-encoding", "nothing: txmail chooses the encoding"},
    {"content-disposition", "attachments"},
}};

}  // namespace

Result<void> check_single_line(std::string_view text, std::string_view field) {
    if (text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos)
        return {};
    return fail(
        Error::invalid(std::string(field), std::string(field) +
                                               " contains a line break or NUL, refused (header "
                                               "injection): " +
                                               printable_quoted(text)));
}

Result<void> check_utf8(std::string_view text, std::string_view field) {
    const std::size_t bad = first_invalid_utf8(text);
    if (bad == text.size())
        return {};
    return fail(Error::invalid(std::string(field),
                               std::string(field) + " is not valid UTF-8 (byte " +
                                   std::to_string(bad) + "): " + printable_quoted(text)));
}

Result<void> check_extra_header_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxHeaderName ||
        !std::ranges::all_of(name, [](char c) { return c >= 33 && c <= 126 && c != ':'; })) {
        return fail(Error::invalid("headers", "headers: invalid header name " +
                                                  printable_quoted(name) +
                                                  ": use 1 to 76 printable ASCII characters other "
                                                  "than ':' and space"));
    }
    const std::string lower = ascii_lowercase(name);
    for (const auto& [reserved, instead] : kReserved) {
        if (lower == reserved)
            return fail(Error::invalid(extra_header_field(name),
                                       "headers: " + std::string(name) +
                                           " cannot be set as an extra header; use " +
                                           std::string(instead)));
    }
    return {};
}

std::string extra_header_field(std::string_view name) {
    return "headers." + std::string(name);
}

}  // namespace txmail::mail
