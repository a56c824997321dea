#include "txmail/mail/body_encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "txmail/mail/ascii_chunk.h"
#include "txmail/util/base64.h"

namespace txmail::mail {
namespace {

TEST(BodyEncoding, SevenBitForShortAsciiLines) {
    EXPECT_EQ(choose_text_encoding(""), TransferEncoding::seven_bit);
    EXPECT_EQ(choose_text_encoding("Hello,\n\nWelcome a=b.\n"), TransferEncoding::seven_bit);
    EXPECT_EQ(choose_text_encoding(".\nFrom me\n   \n\t\n"), TransferEncoding::seven_bit);
    EXPECT_EQ(choose_text_encoding(std::string(100, '=')), TransferEncoding::seven_bit);
    EXPECT_EQ(choose_text_encoding(std::string(998, 'x') + "\r\n"), TransferEncoding::seven_bit);
}

TEST(BodyEncoding, QuotedPrintableForLongLinesAndMostlyAsciiText) {
    EXPECT_EQ(choose_text_encoding(std::string(999, 'x')), TransferEncoding::quoted_printable);
    EXPECT_EQ(choose_text_encoding("a\n" + std::string(999, 'x') + "\nb"),
              TransferEncoding::quoted_printable);
    EXPECT_EQ(choose_text_encoding("Price: 29 \xE2\x82\xAC per month.\n"),
              TransferEncoding::quoted_printable);
    EXPECT_EQ(choose_text_encoding(std::string_view("nul\0here", 8)),
              TransferEncoding::quoted_printable);
}

TEST(BodyEncoding, Base64WhenQuotedPrintableWouldBlowUp) {
    std::string cyrillic;
    for (int i = 0; i < 50; ++i)
        cyrillic += "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 ";  // "Привет "
    EXPECT_EQ(choose_text_encoding(cyrillic), TransferEncoding::base64);
    EXPECT_EQ(choose_text_encoding(std::string(100, '=') + "\xC3\xA9"), TransferEncoding::base64);
}

TEST(BodyEncoding, SevenBitBodyGetsCrlfLineBreaks) {
    std::string out;
    append_text_body(out, "a\nb\r\nc\rd\n", TransferEncoding::seven_bit);
    EXPECT_EQ(out, "a\r\nb\r\nc\r\nd\r\n");
}

TEST(BodyEncoding, Base64TextIsCanonicalCrlfInLinesOf76) {
    std::string text;
    for (int i = 0; i < 30; ++i)
        text += "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\n";
    std::string out;
    append_text_body(out, text, TransferEncoding::base64);
    std::string joined;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = out.find("\r\n", start);
        const std::string line = out.substr(start, end - start);
        EXPECT_LE(line.size(), 76u);
        joined += line;
        if (end == std::string::npos)
            break;
        EXPECT_EQ(line.size(), 76u);
        start = end + 2;
    }
    std::string crlf;
    for (char c : text)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(base64_decode(joined).value(), crlf);
}

TEST(BodyEncoding, AttachmentBytesAreBase64Exactly) {
    std::string bytes;
    for (int i = 0; i < 1000; ++i)
        bytes += static_cast<char>(i * 7);
    std::string out;
    append_base64_body(out, bytes);
    EXPECT_FALSE(out.ends_with("\r\n"));
    EXPECT_EQ(base64_decode(out).value(), bytes);
}

TEST(BodyEncoding, PlainChunkTestIsExactForEveryByteInEveryPosition) {
    for (int position = 0; position < 8; ++position) {
        for (int byte = 0; byte < 256; ++byte) {
            unsigned char chunk[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
            chunk[position] = static_cast<unsigned char>(byte);
            const bool plain = byte >= 0x20 && byte <= 0x7e && byte != '=';
            EXPECT_EQ(is_plain_ascii_chunk(chunk), plain) << position << " " << byte;
        }
    }
}

TEST(BodyEncoding, NamesTheEncodingsAsMimeDoes) {
    EXPECT_EQ(to_string(TransferEncoding::seven_bit), "7bit");
    EXPECT_EQ(to_string(TransferEncoding::quoted_printable), "quoted-printable");
    EXPECT_EQ(to_string(TransferEncoding::base64), "base64");
}

}  // namespace
}  // namespace txmail::mail
