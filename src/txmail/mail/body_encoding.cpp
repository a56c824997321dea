#include "txmail/mail/body_encoding.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "txmail/mail/ascii_chunk.h"
#include "txmail/mail/header_folder.h"
#include "txmail/mail/quoted_printable.h"
#include "txmail/util/base64.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kBase64LineBytes = 57;  // 76 encoded characters (RFC 2045 section 6.8)

// Per byte: bit 0 = quoted-printable escapes it, bit 1 = not allowed in 7bit, bit 2 = line break.
constexpr std::uint8_t kEscaped = 1, kNot7bit = 2, kLineBreak = 4;

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = (c >= 0x20 && c < 0x7f) || c == '\t' ? 0 : kEscaped | kNot7bit;
    table['='] = kEscaped;
    table['\r'] = kLineBreak;
    table['\n'] = kLineBreak;
    return table;
}
constexpr auto kClass = make_classes();

void append_with_crlf(std::string& out, std::string_view text) {
    // Runs up to the next LF are copied whole; a CR is rare in practice and handled byte-wise.
    const bool has_cr = text.find('\r') != std::string_view::npos;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = has_cr ? text.find_first_of("\r\n", start) : text.find('\n', start);
        if (end == std::string_view::npos) {
            out.append(text, start);
            return;
        }
        out.append(text, start, end - start);
        out += "\r\n";
        if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
            ++end;
        start = end + 1;
    }
}

}  // namespace

std::string_view to_string(TransferEncoding encoding) {
    switch (encoding) {
        case TransferEncoding::seven_bit:
            return "7bit";
        case TransferEncoding::quoted_printable:
            return "quoted-printable";
        case TransferEncoding::base64:
            return "base64";
    }
    return "base64";
}

TransferEncoding choose_text_encoding(std::string_view text) {
    std::size_t escapes = 0;  // bytes quoted-printable writes as =XX
    std::uint8_t seen = 0;
    std::size_t line_start = 0, longest = 0;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size(); ++i) {
        while (i + 8 <= text.size() && is_plain_ascii_chunk(s + i))
            i += 8;
        if (i == text.size())
            break;
        const std::uint8_t k = kClass[s[i]];
        escapes += k & kEscaped;
        seen |= k;
        if (k & kLineBreak) {
            longest = std::max(longest, i - line_start);
            line_start = i + 1;
        }
    }
    longest = std::max(longest, text.size() - line_start);
    if (!(seen & kNot7bit) && longest <= kMaxLine)
        return TransferEncoding::seven_bit;
    // Sizes including line breaks: QP soft-breaks every 75 characters, base64 every 76.
    const std::size_t qp = text.size() + 2 * escapes;
    const std::size_t qp_total = qp + qp / 75 * 3;
    const std::size_t b64 = base64_encoded_size(text.size());
    const std::size_t b64_total = b64 + b64 / 76 * 2;
    return qp_total <= b64_total ? TransferEncoding::quoted_printable : TransferEncoding::base64;
}

void append_text_body(std::string& out, std::string_view text, TransferEncoding encoding) {
    switch (encoding) {
        case TransferEncoding::seven_bit:
            append_with_crlf(out, text);
            return;
        case TransferEncoding::quoted_printable:
            append_quoted_printable(out, text);
            return;
        case TransferEncoding::base64: {
            std::string canonical;
            canonical.reserve(text.size() + text.size() / 16);
            append_with_crlf(canonical, text);
            append_base64_body(out, canonical);
            return;
        }
    }
}

void append_base64_body(std::string& out, std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); i += kBase64LineBytes) {
        if (i > 0)
            out += "\r\n";
        base64_encode_append(bytes.substr(i, kBase64LineBytes), out);
    }
}

}  // namespace txmail::mail
