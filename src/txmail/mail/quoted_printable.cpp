#include "txmail/mail/quoted_printable.h"

#include <cstddef>
#include <cstring>

#include "txmail/mail/ascii_chunk.h"

#include "txmail/util/hex.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kMaxEncodedLine = 76;

constexpr bool is_line_break(unsigned char c) {
    return c == '\r' || c == '\n';
}

// Printable ASCII other than '=' goes out as it is (rule 2); space and tab too, unless they end a
// line (rule 3), so they are not printable here.
constexpr bool is_printable(unsigned char c) {
    return c >= 33 && c <= 126 && c != '=';
}

}  // namespace

void append_quoted_printable(std::string& out, std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    // Worst case: every byte as =XX, and a soft break for every 25 bytes of that.
    const std::size_t bound = n * 3 + (n / 24 + 1) * 3;
    out.resize_and_overwrite(out.size() + bound, [&](char* buffer, std::size_t) {
        char* dst = buffer + out.size();
        std::size_t column = 0;
        for (std::size_t i = 0; i < n; ++i) {
            // Fastest path: eight literal characters well inside the line (a space at the end of
            // the run might end the line, so that run takes the slow path).
            while (column + 8 < kMaxEncodedLine && i + 8 <= n && s[i + 7] != ' ' &&
                   is_plain_ascii_chunk(s + i)) {
                std::memcpy(dst, s + i, 8);
                dst += 8;
                column += 8;
                i += 8;
            }
            if (i == n)
                break;
            const unsigned char c = s[i];
            // Fast path: a printable character well inside the line.
            if (is_printable(c) && column < kMaxEncodedLine - 1) {
                *dst++ = static_cast<char>(c);
                ++column;
                continue;
            }
            if (is_line_break(c)) {
                if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
                    ++i;
                *dst++ = '\r';
                *dst++ = '\n';
                column = 0;
                continue;
            }
            const bool ends_line = i + 1 == n || is_line_break(s[i + 1]);
            const bool literal = is_printable(c) || ((c == ' ' || c == '\t') && !ends_line);
            const std::size_t width = literal ? 1 : 3;
            // The last character of a line may use column 76; any other needs room for "=".
            if (column + width > (ends_line ? kMaxEncodedLine : kMaxEncodedLine - 1)) {
                *dst++ = '=';
                *dst++ = '\r';
                *dst++ = '\n';
                column = 0;
            }
            if (literal) {
                *dst++ = static_cast<char>(c);
            } else {
                dst = write_escaped_byte(dst, '=', c);
            }
            column += width;
        }
        return static_cast<std::size_t>(dst - buffer);
    });
}

}  // namespace txmail::mail
