// Hexadecimal: lowercase encoding of bytes (RFC 4648 section 8, lowercase as Stripe and most
// protocols print digests), and the uppercase %XX / =XX escapes of MIME and URLs. Never fails.
#pragma once

#include <string>
#include <string_view>

namespace txmail {

std::string hex_encode(std::string_view bytes);

// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Writes `escape` and the byte as two UPPERCASE hex digits at dst, returning the end: the form of
// quoted-printable and RFC 2047 Q ("=3D") and of percent-encoding in RFC 2231 and URLs ("%20").
inline char* write_escaped_byte(char* dst, char escape, unsigned char byte) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    dst[0] = escape;
    dst[1] = kDigits[byte >> 4];
    dst[2] = kDigits[byte & 15];
    return dst + 3;
}
inline void append_escaped_byte(std::string& out, char escape, unsigned char byte) {
    char buffer[3];
    write_escaped_byte(buffer, escape, byte);
    out.append(buffer, 3);
}

}  // namespace txmail
