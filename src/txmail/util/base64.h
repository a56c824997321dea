// Base64 (RFC 4648 section 4, standard alphabet, with padding).
//
// Used by the MIME writer for binary bodies, by XOAUTH2 (SASL initial response) and by Microsoft
// Graph (the MIME body of sendMail). Encoding never fails and emits no line breaks; callers that
// need MIME's 76-column lines encode in 57-byte chunks. Decoding skips ASCII whitespace (CR, LF,
// space, tab, as MIME bodies carry line breaks), accepts missing padding, and rejects any other
// byte outside the alphabet, data after padding, and a dangling single character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail {

std::string base64_encode(std::string_view bytes);
// Appends the encoding of `bytes` to `out` (no allocation beyond out's growth).
void base64_encode_append(std::string_view bytes, std::string& out);
constexpr std::size_t base64_encoded_size(std::size_t n) {
    return (n + 2) / 3 * 4;
}

Result<std::string> base64_decode(std::string_view text);

}  // namespace txmail
