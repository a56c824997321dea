#include "txmail/mail/encoded_word.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "txmail/util/base64.h"
#include "txmail/util/hex.h"
#include "txmail/util/utf8.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kMaxEncodedWord = 75;
constexpr std::string_view kQPrefix = "=?utf-8?q?";
constexpr std::string_view kBPrefix = "=?utf-8?b?";
constexpr std::size_t kOverhead = 12;  // prefix (10) + "?=" (2)

constexpr std::array<bool, 256> make_q_literal() {
    std::array<bool, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = table[c - 'a' + 'A'] = true;
    for (int c = '0'; c <= '9'; ++c)
        table[c] = true;
    for (unsigned char c : {'!', '*', '+', '-', '/'})
        table[c] = true;
    return table;
}
constexpr auto kQLiteral = make_q_literal();

// Encoded size of one byte in Q: itself, '_' for a space, or "=XX".
constexpr std::size_t q_size(unsigned char c) {
    return kQLiteral[c] || c == ' ' ? 1 : 3;
}

void append_q(std::string& out, std::string_view bytes) {
    for (unsigned char c : bytes) {
        if (kQLiteral[c]) {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '_';
        } else {
            append_escaped_byte(out, '=', c);
        }
    }
}

}  // namespace

bool needs_encoded_words(std::string_view text, std::size_t first_room) {
    if (text.empty())
        return false;
    if (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t')
        return true;
    std::size_t word = 0;
    std::size_t room = first_room;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t') {
            word = 0;
            room = kFoldColumn - 1;
            continue;
        }
        if ((c < 0x20 || c >= 0x7f) || (c == '=' && i + 1 < text.size() && text[i + 1] == '?'))
            return true;
        if (++word > room)
            return true;
    }
    return false;
}

void append_encoded_words(HeaderFolder& folder, std::string_view utf8) {
    std::size_t q_total = 0;
    for (unsigned char c : utf8)
        q_total += q_size(c);
    const bool use_q = q_total <= base64_encoded_size(utf8.size());

    // Length of the character at pos and its size in Q.
    auto character = [&](std::size_t pos) {
        const std::size_t len = std::min(
            utf8_sequence_length(static_cast<unsigned char>(utf8[pos])), utf8.size() - pos);
        std::size_t q = 0;
        for (std::size_t k = 0; k < len; ++k)
            q += q_size(static_cast<unsigned char>(utf8[pos + k]));
        return std::pair{len, q};
    };
    auto encoded_size = [&](std::size_t bytes, std::size_t q_bytes) {
        return use_q ? q_bytes : base64_encoded_size(bytes);
    };

    // Text that fits one encoded-word gets one, on a new line if need be: fewer words read better,
    // and some decoders (CPython before gh-128110) wrongly keep the space between two of them in a
    // display name.
    const std::size_t whole = kOverhead + (use_q ? q_total : base64_encoded_size(utf8.size()));
    if (whole <= kMaxEncodedWord && whole > folder.room_on_line() && folder.line_has_word())
        folder.fold();

    std::string word;
    word.reserve(kMaxEncodedWord);
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t limit = std::min(kMaxEncodedWord, folder.room_on_line());
        const auto [first_len, first_q] = character(i);
        if (limit < kOverhead + encoded_size(first_len, first_q)) {
            folder.fold();
            limit = kMaxEncodedWord;
        }
        // Take whole characters while the word still fits.
        std::size_t end = i;
        std::size_t q_bytes = 0;
        while (end < utf8.size()) {
            const auto [len, q] = character(end);
            if (kOverhead + encoded_size(end + len - i, q_bytes + q) > limit)
                break;
            end += len;
            q_bytes += q;
        }
        word.assign(use_q ? kQPrefix : kBPrefix);
        if (use_q)
            append_q(word, utf8.substr(i, end - i));
        else
            base64_encode_append(utf8.substr(i, end - i), word);
        word += "?=";
        folder.word(word);
        i = end;
    }
}

}  // namespace txmail::mail
