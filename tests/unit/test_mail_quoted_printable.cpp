#include "txmail/mail/quoted_printable.h"

#include <gtest/gtest.h>

#include <string>

namespace txmail::mail {
namespace {

std::string qp(std::string_view text) {
    std::string out;
    append_quoted_printable(out, text);
    return out;
}

// RFC 2045 section 6.7 decoding, enough to check round trips.
std::string decode(const std::string& encoded) {
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] != '=') {
            out += encoded[i];
        } else if (encoded.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;
        } else {
            out += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
            i += 2;
        }
    }
    return out;
}

std::string with_crlf(std::string_view text) {
    std::string out;
    for (char c : text)
        out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
}

void expect_lines_within_76(const std::string& encoded) {
    std::size_t start = 0;
    while (start <= encoded.size()) {
        std::size_t end = encoded.find("\r\n", start);
        if (end == std::string::npos)
            end = encoded.size();
        EXPECT_LE(end - start, 76u) << encoded.substr(start, end - start);
        start = end + 2;
    }
}

TEST(QuotedPrintable, EscapesEqualsNonAsciiAndControls) {
    EXPECT_EQ(qp("a=b"), "a=3Db");
    EXPECT_EQ(qp("Gr\xC3\xBC\xC3\x9F"
                 "e"),
              "Gr=C3=BC=C3=9Fe");
    EXPECT_EQ(qp(std::string_view("nul\0del\x7f", 8)), "nul=00del=7F");
    EXPECT_EQ(qp("tab\tinside"), "tab\tinside");
}

TEST(QuotedPrintable, EncodesWhitespaceThatEndsALine) {
    EXPECT_EQ(qp("end \nnext\t\r\nlast "), "end=20\r\nnext=09\r\nlast=20");
    EXPECT_EQ(qp("   \n"), "  =20\r\n");
}

TEST(QuotedPrintable, NormalisesEveryLineBreakToCrlf) {
    EXPECT_EQ(qp("a\nb\rc\r\nd\n\re"), "a\r\nb\r\nc\r\nd\r\n\r\ne");
}

TEST(QuotedPrintable, SoftBreaksKeepLinesWithin76) {
    const std::string line(200, 'x');
    const std::string encoded = qp(line);
    expect_lines_within_76(encoded);
    EXPECT_EQ(encoded.substr(0, 78), std::string(75, 'x') + "=\r\n");
    EXPECT_EQ(decode(encoded), line);
    // A line of exactly 76 characters needs no soft break; 77 does.
    EXPECT_EQ(qp(std::string(76, 'y')), std::string(76, 'y'));
    EXPECT_EQ(qp(std::string(77, 'y')), std::string(75, 'y') + "=\r\nyy");
}

TEST(QuotedPrintable, NeverSplitsAnEscape) {
    std::string text;
    for (int i = 0; i < 300; ++i)
        text += (i % 7 == 0) ? "\xE2\x82\xAC" : (i % 5 == 0 ? "= " : "ab");
    text += " \nmore\n";
    const std::string encoded = qp(text);
    expect_lines_within_76(encoded);
    EXPECT_EQ(decode(encoded), with_crlf(text));
}

TEST(QuotedPrintable, FastPathAgreesWithSlowPathAroundTheLineEnd) {
    // Runs of plain text of every length up to two lines, ending in a space before a line break:
    // the word-at-a-time path must hand over to the byte path at the right column.
    for (std::size_t n = 1; n < 160; ++n) {
        const std::string text = std::string(n, 'k') + " \n" + std::string(n, 'z');
        const std::string encoded = qp(text);
        expect_lines_within_76(encoded);
        EXPECT_EQ(decode(encoded), with_crlf(text)) << n;
        EXPECT_EQ(encoded.find(" \r\n"), std::string::npos) << n;
    }
}

}  // namespace
}  // namespace txmail::mail
