#include "txmail/util/strings.h"

#include <algorithm>

#include "txmail/util/hex.h"

namespace txmail {

std::string ascii_lowercase(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), ascii_lower);
    return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b,
                              [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string printable_quoted(std::string_view text, std::size_t max_chars) {
    std::string out = "\"";
    std::size_t shown = std::min(text.size(), max_chars);
    // Never cut inside a UTF-8 sequence: the message must stay valid UTF-8.
    while (shown > 0 && shown < text.size() &&
           (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80)
        --shown;
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\0':
                out += "\\0";
                break;
            case '"':
            case '\\':
                out += '\\';
                out += static_cast<char>(c);
                break;
            default:
                if (is_ascii_control(static_cast<char>(c))) {
                    out += "\\x";
                    out += hex_encode(text.substr(i, 1));
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
    if (shown < text.size())
        out += "...";
    return out;
}

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

}  // namespace txmail
