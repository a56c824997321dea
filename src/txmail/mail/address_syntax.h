// RFC 5322 lexical pieces shared by the address parser and the address header writer.
#pragma once

#include <string>
#include <string_view>

namespace txmail::mail {

// atext (RFC 5322 section 3.2.3): ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~".
constexpr bool is_atext(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
           std::string_view::npos;
}

// A quoted-string (section 3.2.4) holding text, with '"' and '\' escaped.
std::string quote_string(std::string_view text);

// Whether a display name can be written as it is, without quotes: atoms separated by single
// spaces. allow_utf8: count non-ASCII bytes as atext (RFC 6532), for human-readable output.
bool is_plain_phrase(std::string_view name, bool allow_utf8);

}  // namespace txmail::mail
