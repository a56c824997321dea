#include "txmail/util/utf8.h"

#include <cstdint>
#include <cstring>

namespace txmail {

std::size_t first_invalid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII fast path: eight bytes at a time while none has the top bit set.
        while (i + 8 <= n) {
            std::uint64_t chunk;
            std::memcpy(&chunk, s + i, 8);
            if (chunk & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const std::size_t length = well_formed_utf8_length(text, i);
        if (length == 0)
            return i;
        i += length;
    }
    return n;
}

std::size_t well_formed_utf8_length(std::string_view text, std::size_t at) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const unsigned char c = s[at];
    if (c < 0x80)
        return 1;
    // Table 3-7 of the Unicode standard: the allowed range of the second byte depends on the
    // lead byte, which rules out overlongs, surrogates and code points past U+10FFFF.
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (at + len > text.size() || s[at + 1] < lo || s[at + 1] > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if ((s[at + k] & 0xC0) != 0x80)
            return 0;
    return len;
}

void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

bool is_valid_utf8(std::string_view text) {
    return first_invalid_utf8(text) == text.size();
}

}  // namespace txmail
