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

TEST(Utf8, WellFormedLengthAtAnOffset) {
    const std::string text = "a\xC3\xB6\xE2\x82\xAC\xF0\x9F\x93\xA8\xC3";
    EXPECT_EQ(well_formed_utf8_length(text, 0), 1u);
    EXPECT_EQ(well_formed_utf8_length(text, 1), 2u);
    EXPECT_EQ(well_formed_utf8_length(text, 3), 3u);
    EXPECT_EQ(well_formed_utf8_length(text, 6), 4u);
    EXPECT_EQ(well_formed_utf8_length(text, 10), 0u);           // cut short by the end
    EXPECT_EQ(well_formed_utf8_length(text, 2), 0u);            // a continuation byte
    EXPECT_EQ(well_formed_utf8_length("\xED\xA0\x80", 0), 0u);  // a surrogate
}

TEST(Utf8, AppendsEachCodePointAsItsSequence) {
    std::string out;
    for (char32_t code : {U'a', U'\u00F6', U'\u20AC', U'\U0001F4E8', U'\U0010FFFF'})
        append_utf8(out, code);
    EXPECT_EQ(out, "a\xC3\xB6\xE2\x82\xAC\xF0\x9F\x93\xA8\xF4\x8F\xBF\xBF");
    EXPECT_TRUE(is_valid_utf8(out));
}

TEST(Utf8, SequenceLengthFromLeadByte) {
    EXPECT_EQ(utf8_sequence_length('a'), 1u);
    EXPECT_EQ(utf8_sequence_length(0xC3), 2u);
    EXPECT_EQ(utf8_sequence_length(0xE2), 3u);
    EXPECT_EQ(utf8_sequence_length(0xF0), 4u);
}

}  // namespace
}  // namespace txmail
