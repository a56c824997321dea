#include "txmail/mail/encoded_word.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "txmail/util/base64.h"
#include "txmail/util/utf8.h"

namespace txmail::mail {
namespace {

// The encoded-words of a folded header, in order.
std::vector<std::string> words_of(const std::string& header) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while ((pos = header.find("=?utf-8?", pos)) != std::string::npos) {
        const std::size_t end = header.find("?=", pos + 10);
        words.push_back(header.substr(pos, end + 2 - pos));
        pos = end + 2;
    }
    return words;
}

// Decodes one encoded-word (RFC 2047 section 4).
std::string decode_word(const std::string& word) {
    const char encoding = word[8];
    const std::string text = word.substr(10, word.size() - 12);
    if (encoding == 'b')
        return base64_decode(text).value();
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_')
            out += ' ';
        else if (text[i] == '=')
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)), i += 2;
        else
            out += text[i];
    }
    return out;
}

std::string encode(std::string_view text, std::string_view name = "Subject") {
    std::string out;
    HeaderFolder folder(out, name);
    append_encoded_words(folder, text);
    folder.finish();
    return out;
}

TEST(EncodedWord, NeedsEncodingOnlyWhenPlainTextWouldNotSurvive) {
    EXPECT_FALSE(needs_encoded_words("", 69));
    EXPECT_FALSE(needs_encoded_words("Welcome to Boritrader", 69));
    EXPECT_FALSE(needs_encoded_words("tabs\tand  double spaces", 69));
    EXPECT_TRUE(
        needs_encoded_words("Gr\xC3\xBC\xC3\x9F"
                            "e",
                            69));
    EXPECT_TRUE(needs_encoded_words("bell\x07", 69));
    EXPECT_TRUE(needs_encoded_words("looks =?utf-8?q?encoded?=", 69));
    EXPECT_TRUE(needs_encoded_words(" leading", 69));
    EXPECT_TRUE(needs_encoded_words("trailing ", 69));
    EXPECT_FALSE(needs_encoded_words(std::string(69, 'x'), 69));
    EXPECT_TRUE(needs_encoded_words(std::string(70, 'x'), 69));
    EXPECT_FALSE(needs_encoded_words("a " + std::string(77, 'x'), 69));
    EXPECT_TRUE(needs_encoded_words("a " + std::string(78, 'x'), 69));
}

TEST(EncodedWord, ShortTextIsOneWordInTheShorterEncoding) {
    // Q costs 3 characters per non-ASCII byte, B 4 per 3 bytes: Q wins on mostly-ASCII text.
    EXPECT_EQ(encode("Gr\xC3\xBC\xC3\x9F"
                     "e aus Berlin und Hamburg"),
              "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin_und_Hamburg?=\r\n");
    EXPECT_EQ(encode("Gr\xC3\xBC\xC3\x9F"
                     "e"),
              "Subject: =?utf-8?b?R3LDvMOfZQ==?=\r\n");
    EXPECT_EQ(encode("\xF0\x9F\x93\xA8\xF0\x9F\x93\xA8"), "Subject: =?utf-8?b?8J+TqPCfk6g=?=\r\n");
}

TEST(EncodedWord, LongTextIsCutAtCharacterBoundariesIntoWordsOfAtMost75) {
    std::string text;
    for (int i = 0; i < 40; ++i)
        text += "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\x88 a";  // 日本 📈 a
    for (std::string_view name : {"Subject", "X-A-Rather-Long-Header-Name"}) {
        const std::string header = encode(text, name);
        const auto words = words_of(header);
        ASSERT_GT(words.size(), 3u);
        std::string decoded;
        for (const std::string& word : words) {
            EXPECT_LE(word.size(), 75u) << word;
            const std::string piece = decode_word(word);
            EXPECT_TRUE(is_valid_utf8(piece)) << "a word splits a UTF-8 sequence: " << word;
            decoded += piece;
        }
        EXPECT_EQ(decoded, text);
        for (std::size_t start = 0, end; (end = header.find("\r\n", start)) != std::string::npos;
             start = end + 2)
            EXPECT_LE(end - start, 78u);
    }
}

TEST(EncodedWord, QEncodingUsesOnlyPhraseSafeCharacters) {
    const std::string header = encode("a,b;c\"d(e)f<g>h@i.j:k=l?m_n \xC3\xA9");
    for (const std::string& word : words_of(header)) {
        const std::string text = word.substr(10, word.size() - 12);
        EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789!*+-/=_"),
                  std::string::npos)
            << word;
        EXPECT_EQ(decode_word(word), "a,b;c\"d(e)f<g>h@i.j:k=l?m_n \xC3\xA9");
    }
}

TEST(EncodedWord, TextThatFitsOneWordMovesToANewLineRatherThanSplit) {
    std::string out;
    HeaderFolder folder(out, "To");
    folder.word(std::string(60, 'x') + ",");
    append_encoded_words(folder, "J\xC3\xB6rg M\xC3\xBCller");
    folder.finish();
    EXPECT_EQ(out, "To: " + std::string(60, 'x') + ",\r\n =?utf-8?b?SsO2cmcgTcO8bGxlcg==?=\r\n");
}

}  // namespace
}  // namespace txmail::mail
