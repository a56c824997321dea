#include "txmail/util/strings.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

TEST(Strings, LowercasesAsciiOnlyLeavingUtf8Alone) {
    EXPECT_EQ(ascii_lowercase("Content-TYPE"), "content-type");
    EXPECT_EQ(ascii_lowercase("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // ÉTÉ -> ÉtÉ
}

TEST(Strings, ComparesIgnoringAsciiCase) {
    EXPECT_TRUE(iequals_ascii("Example.COM", "example.com"));
    EXPECT_FALSE(iequals_ascii("example.com", "example.co"));
    EXPECT_FALSE(iequals_ascii("a", "b"));
    EXPECT_TRUE(iequals_ascii("", ""));
}

TEST(Strings, PrintableQuotedShowsControlCharactersAndQuotes) {
    EXPECT_EQ(printable_quoted(std::string_view("a\r\nBcc: x\0\x01\"\\", 13)),
              R"("a\r\nBcc: x\0\x01\"\\")");
    EXPECT_EQ(printable_quoted("J\xC3\xB6rg"), "\"J\xC3\xB6rg\"");
}

TEST(Strings, PrintableQuotedCutsLongValuesOnACharacterBoundary) {
    EXPECT_EQ(printable_quoted("abcdef", 3), "\"abc\"...");
    // "\xC3\xB6" is one character: cutting after 2 bytes would split it, so only "a" is shown.
    EXPECT_EQ(printable_quoted("a\xC3\xB6"
                               "b",
                               2),
              "\"a\"...");
}

}  // namespace
}  // namespace txmail
