// UTF-8 well-formedness (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) and the
// length of a sequence from its lead byte, for code that must cut text without splitting a
// character (RFC 2047 encoded-words, RFC 2231 continuations).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace txmail {

bool is_valid_utf8(std::string_view text);
// Offset of the first byte that makes `text` ill-formed, or text.size() when it is well-formed.
std::size_t first_invalid_utf8(std::string_view text);
// The length of the well-formed sequence at text[at] (1 for ASCII, 2 - 4), or 0 when the bytes
// there are not one. `at` < text.size().
std::size_t well_formed_utf8_length(std::string_view text, std::size_t at);
// Appends the UTF-8 of `code`, a code point that is not a surrogate, at most U+10FFFF.
void append_utf8(std::string& out, char32_t code);

// 1-4 for a lead byte, 1 for anything else (so a loop over valid UTF-8 always advances).
constexpr std::size_t utf8_sequence_length(unsigned char lead) {
    return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

}  // namespace txmail
