#include "txmail/util/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace txmail {
namespace {

TEST(Utf8, AcceptsAsciiAndWellFormedSequences) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ASCII text that is longer than eight bytes"));
    EXPECT_TRUE(is_valid_utf8("J\xC3\xB6rg \xE2\x82\xAC \xF0\x9F\x93\xA8"));  // ö € 📨
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));                           // U+10FFFF
}

TEST(Utf8, RejectsOverlongsSurrogatesAndTruncation) {
    EXPECT_EQ(first_invalid_utf8("ab\xC0\xAF"), 2u);                      // overlong '/'
    EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);                    // overlong 3-byte
    EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);                   // surrogate U+D800
    EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);                // above U+10FFFF
    EXPECT_EQ(first_invalid_utf8("0123456789\xE2\x82"), 10u);             // truncated at the end
    EXPECT_EQ(first_invalid_utf8("\x80"), 0u);                            // lone continuation
    EXPECT_EQ(first_invalid_utf8("\xC3\xB6\xFF"), 2u);                    // never valid
    EXPECT_EQ(first_invalid_utf8(std::string(20, 'a') + "\xE2(a"), 20u);  // bad continuation
}

TEST(Utf8, SequenceLengthFromLeadByte) {
    EXPECT_EQ(utf8_sequence_length('a'), 1u);
    EXPECT_EQ(utf8_sequence_length(0xC3), 2u);
    EXPECT_EQ(utf8_sequence_length(0xE2), 3u);
    EXPECT_EQ(utf8_sequence_length(0xF0), 4u);
}

}  // namespace
}  // namespace txmail
