#include "txmail/mail/mime_parameter.h"

#include <algorithm>
#include <string>

#include "txmail/mail/address_syntax.h"
#include "txmail/util/hex.h"
#include "txmail/util/utf8.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kMaxWord = kFoldColumn - 1;  // after the folding space

// attribute-char (RFC 2231 section 7): printable ASCII except space, "*'%" and tspecials.
constexpr bool is_attribute_char(unsigned char c) {
    return c > ' ' && c < 0x7f &&
           std::string_view("*'%()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

void append_percent_encoded(std::string& out, std::string_view bytes) {
    for (unsigned char c : bytes) {
        if (is_attribute_char(c)) {
            out += static_cast<char>(c);
        } else {
            append_escaped_byte(out, '%', c);
        }
    }
}

std::size_t percent_encoded_size(std::string_view bytes) {
    std::size_t size = 0;
    for (unsigned char c : bytes)
        size += is_attribute_char(c) ? 1 : 3;
    return size;
}

}  // namespace

void append_filename_parameter(HeaderFolder& folder, std::string_view name) {
    const bool printable = std::ranges::all_of(name, [](char c) { return c >= ' ' && c < 0x7f; });
    if (printable) {
        std::string word = "filename=" + quote_string(name);
        if (word.size() <= kMaxWord) {
            folder.word(word);
            return;
        }
    }
    constexpr std::string_view kCharset = "utf-8''";
    std::string word = "filename*=";
    word += kCharset;
    if (word.size() + percent_encoded_size(name) <= kMaxWord) {
        append_percent_encoded(word, name);
        folder.word(word);
        return;
    }
    // Continuations: filename*0*=utf-8''...; filename*1*=...; each within one line.
    std::size_t i = 0;
    for (int section = 0; i < name.size(); ++section) {
        word = "filename*" + std::to_string(section) + "*=";
        if (section == 0)
            word += kCharset;
        std::size_t end = i;
        std::size_t size = word.size() + 1;  // + ';'
        while (end < name.size()) {
            const std::size_t len = std::min(
                utf8_sequence_length(static_cast<unsigned char>(name[end])), name.size() - end);
            const std::size_t encoded = percent_encoded_size(name.substr(end, len));
            if (size + encoded > kMaxWord && end > i)
                break;
            size += encoded;
            end += len;
        }
        append_percent_encoded(word, name.substr(i, end - i));
        i = end;
        if (i < name.size())
            word += ';';
        folder.word(word);
    }
}

}  // namespace txmail::mail
