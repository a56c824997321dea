// ASCII-only string helpers for protocol text (header names, domains, settings), where case folding
// must not depend on the locale and must leave UTF-8 bytes untouched.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace txmail {

constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string ascii_lowercase(std::string_view text);
// The C0 controls and DEL (a byte of a UTF-8 sequence is never one).
constexpr bool is_ascii_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}
bool iequals_ascii(std::string_view a, std::string_view b);
// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text);

// `text` in double quotes with control characters shown as \r, \n, \0, \xNN and cut after
// max_chars with "...", so that a hostile value can be quoted in an error message or a log line
// without breaking it.
std::string printable_quoted(std::string_view text, std::size_t max_chars = 200);

}  // namespace txmail
