#include "txmail/mail/mime_writer.h"

#include <algorithm>
#include <span>

#include "txmail/mail/address_header.h"
#include "txmail/mail/attachment_part.h"
#include "txmail/mail/body_encoding.h"
#include "txmail/mail/encoded_word.h"
#include "txmail/mail/header_folder.h"
#include "txmail/mail/header_rules.h"
#include "txmail/mail/message_id.h"
#include "txmail/mail/rfc5322_date.h"
#include "txmail/util/random.h"

namespace txmail::mail {
namespace {

// An extra header word longer than this could not stay within 998 octets on its line.
constexpr std::size_t kMaxHeaderWord = kMaxLine - 80;

Result<void> check_addresses(const std::vector<Address>& addresses, std::string_view field) {
    for (const Address& address : addresses)
        if (auto ok = address.validate(field); !ok)
            return ok;
    return {};
}

bool is_printable_ascii(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return (c >= ' ' && c < 0x7f) || c == '\t'; });
}

Result<void> check_extra_header(const Header& header) {
    if (auto ok = check_extra_header_name(header.name); !ok)
        return ok;
    const std::string field = extra_header_field(header.name);
    if (auto ok = check_single_line(header.value, field); !ok)
        return ok;
    if (auto ok = check_utf8(header.value, field); !ok)
        return ok;
    // ASCII values are written as given (they may be structured, such as List-Unsubscribe), so a
    // word too long for one line cannot be fixed by folding.
    if (is_printable_ascii(header.value)) {
        std::size_t word = 0;
        for (char c : header.value) {
            word = c == ' ' || c == '\t' ? 0 : word + 1;
            if (word > kMaxHeaderWord)
                return fail(Error::invalid(
                    field, field + ": a word longer than " + std::to_string(kMaxHeaderWord) +
                               " characters cannot be folded into lines of at most 998 octets"));
        }
    }
    return {};
}

Result<void> check_message(const Message& message) {
    if (message.from.local.empty() && message.from.domain.empty() &&
        message.from.display_name.empty())
        return fail(Error::invalid("from", "from: a sender address is required"));
    if (auto ok = message.from.validate("from"); !ok)
        return ok;
    for (const auto& [list, field] : {std::pair{&message.to, "to"},
                                      {&message.cc, "cc"},
                                      {&message.bcc, "bcc"},
                                      {&message.reply_to, "reply_to"}})
        if (auto ok = check_addresses(*list, field); !ok)
            return ok;
    if (auto ok = check_single_line(message.subject, "subject"); !ok)
        return ok;
    if (auto ok = check_utf8(message.subject, "subject"); !ok)
        return ok;
    if (auto ok = check_utf8(message.text, "text"); !ok)
        return ok;
    if (message.html)
        if (auto ok = check_utf8(*message.html, "html"); !ok)
            return ok;
    for (const Header& header : message.headers)
        if (auto ok = check_extra_header(header); !ok)
            return ok;
    for (std::size_t i = 0; i < message.attachments.size(); ++i)
        if (auto ok = check_attachment(message.attachments[i], i); !ok)
            return ok;
    if (message.message_id)
        if (auto ok = check_message_id(*message.message_id); !ok)
            return ok;
    return {};
}

// A boundary (RFC 2046 section 5.1.1) that occurs in no body. "=_" cannot appear in quoted-
// printable ('=' is always followed by hex digits or a line break) nor in base64, so only 7bit
// bodies need searching; 128 random bits make a retry all but impossible anyway.
std::string make_boundary(std::span<const std::string_view> seven_bit_bodies) {
    while (true) {
        std::string boundary = "=_" + random_token(16);
        if (std::ranges::none_of(seven_bit_bodies, [&](std::string_view body) {
                return body.find(boundary) != std::string_view::npos;
            }))
            return boundary;
    }
}

void append_unstructured(std::string& out, std::string_view name, std::string_view value) {
    HeaderFolder folder(out, name);
    if (needs_encoded_words(value, kFoldColumn - name.size() - 2))
        append_encoded_words(folder, value);
    else
        fold_words(folder, value);
    folder.finish();
}

void append_extra_header(std::string& out, const Header& header) {
    if (!is_printable_ascii(header.value)) {
        append_unstructured(out, header.name, header.value);
        return;
    }
    HeaderFolder folder(out, header.name);
    fold_words(folder, header.value);
    folder.finish();
}

void append_address_header(std::string& out, std::string_view name,
                           const std::vector<Address>& addresses) {
    if (addresses.empty())
        return;
    HeaderFolder folder(out, name);
    append_address_list(folder, addresses);
    folder.finish();
}

void append_multipart_type(std::string& out, std::string_view subtype, std::string_view boundary) {
    out += "Content-Type: multipart/";
    out += subtype;
    out += ";\r\n boundary=\"";
    out += boundary;
    out += "\"\r\n";
}

struct TextBody {
    std::string_view subtype;  // "plain" or "html"
    std::string_view text;
    TransferEncoding encoding;
};

void append_text_part(std::string& out, const TextBody& body) {
    out += "Content-Type: text/";
    out += body.subtype;
    out += "; charset=utf-8\r\nContent-Transfer-Encoding: ";
    out += to_string(body.encoding);
    out += "\r\n\r\n";
    append_text_body(out, body.text, body.encoding);
}

void append_delimiter(std::string& out, std::string_view boundary, bool close = false) {
    out += "\r\n--";
    out += boundary;
    out += close ? "--" : "\r\n";
}

// The text part alone, or text and HTML as multipart/alternative (text first: RFC 2046 section
// 5.1.4 puts the preferred, richest form last).
void append_content(std::string& out, const TextBody& text, const std::optional<TextBody>& html,
                    std::string_view boundary) {
    if (!html) {
        append_text_part(out, text);
        return;
    }
    append_multipart_type(out, "alternative", boundary);
    append_delimiter(out, boundary);  // its CRLF is the blank line that ends the headers
    append_text_part(out, text);
    append_delimiter(out, boundary);
    append_text_part(out, *html);
    append_delimiter(out, boundary, true);
}

std::size_t estimated_size(const Message& message) {
    // Quoted-printable is only chosen when it is no longer than base64 (4/3 plus line breaks).
    std::size_t size = 2048 + message.subject.size() * 2 + message.text.size() * 3 / 2;
    if (message.html)
        size += message.html->size() * 3 / 2;
    for (const auto* list : {&message.to, &message.cc, &message.reply_to})
        size += list->size() * 64;
    for (const Attachment& attachment : message.attachments)
        size += attachment.data.size() * 7 / 5 + 256;
    return size;
}

struct Rendered {
    std::string message_id;
    std::string bytes;
};

Result<Rendered> render_message(const Message& message) {
    if (auto ok = check_message(message); !ok)
        return fail(ok.error());
    Rendered rendered;
    if (message.message_id) {
        rendered.message_id = *message.message_id;
    } else {
        auto id = make_message_id(message.from);
        if (!id)
            return fail(id.error());
        rendered.message_id = std::move(*id);
    }

    std::string& out = rendered.bytes;
    out.reserve(estimated_size(message));
    {
        HeaderFolder from(out, "From");
        append_address(from, message.from);
        from.finish();
    }
    append_address_header(out, "To", message.to);
    append_address_header(out, "Cc", message.cc);
    append_address_header(out, "Reply-To", message.reply_to);
    append_unstructured(out, "Subject", message.subject);
    out += "Date: ";
    out += format_rfc5322_date(message.date.value_or(std::chrono::system_clock::now()));
    out += "\r\nMessage-ID: <";
    out += rendered.message_id;
    out += ">\r\n";
    for (const Header& header : message.headers)
        append_extra_header(out, header);
    out += "MIME-Version: 1.0\r\n";

    const TextBody text{"plain", message.text, choose_text_encoding(message.text)};
    std::optional<TextBody> html;
    if (message.html)
        html = TextBody{"html", *message.html, choose_text_encoding(*message.html)};
    std::string_view seven_bit[2];
    std::size_t seven_bit_count = 0;
    if (text.encoding == TransferEncoding::seven_bit)
        seven_bit[seven_bit_count++] = text.text;
    if (html && html->encoding == TransferEncoding::seven_bit)
        seven_bit[seven_bit_count++] = html->text;
    const std::span bodies(seven_bit, seven_bit_count);
    const std::string alternative = html ? make_boundary(bodies) : std::string();

    if (message.attachments.empty()) {
        append_content(out, text, html, alternative);
        if (html) {
            out += "\r\n";
        } else if (!out.ends_with("\r\n")) {
            // A soft line break ends quoted-printable without adding a newline to the text.
            out += text.encoding == TransferEncoding::quoted_printable ? "=\r\n" : "\r\n";
        }
        return rendered;
    }
    const std::string mixed = make_boundary(bodies);
    append_multipart_type(out, "mixed", mixed);
    append_delimiter(out, mixed);
    append_content(out, text, html, alternative);
    for (const Attachment& attachment : message.attachments) {
        append_delimiter(out, mixed);
        append_attachment_part(out, attachment);
    }
    append_delimiter(out, mixed, true);
    out += "\r\n";
    return rendered;
}

}  // namespace

Result<std::string> render(const Message& message) {
    auto rendered = render_message(message);
    if (!rendered)
        return fail(rendered.error());
    return std::move(rendered->bytes);
}

Result<RenderedMessage> prepare(const Message& message) {
    const std::vector<Address> recipients = message.recipients();
    if (recipients.empty())
        return fail(Error::invalid("to", "to: no recipients; set at least one of to, cc or bcc"));
    auto rendered = render_message(message);
    if (!rendered)
        return fail(rendered.error());
    RenderedMessage prepared;
    auto sender = message.from.envelope("from");
    if (!sender)
        return fail(sender.error());
    prepared.envelope.sender = std::move(*sender);
    prepared.envelope.recipients.reserve(recipients.size());
    for (const Address& recipient : recipients) {
        auto address = recipient.envelope("recipients");
        if (!address)
            return fail(address.error());
        prepared.envelope.recipients.push_back(std::move(*address));
    }
    prepared.message_id = std::move(rendered->message_id);
    prepared.subject = message.subject;
    prepared.bytes = std::move(rendered->bytes);
    return prepared;
}

}  // namespace txmail::mail
