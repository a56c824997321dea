#include "txmail/mail/header_folder.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace txmail::mail {
namespace {

std::string folded(std::string_view name, std::string_view value) {
    std::string out;
    HeaderFolder folder(out, name);
    fold_words(folder, value);
    folder.finish();
    return out;
}

void expect_lines_within(const std::string& text, std::size_t limit) {
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, limit) << text.substr(start, end - start);
        start = end + 2;
    }
}

TEST(HeaderFolder, ShortValueStaysOnOneLine) {
    EXPECT_EQ(folded("Subject", "Hello there"), "Subject: Hello there\r\n");
    EXPECT_EQ(folded("Subject", ""), "Subject:\r\n");
}

TEST(HeaderFolder, FoldsBeforeWhitespaceAt78ColumnsAndUnfoldsToTheSameText) {
    std::string value;
    for (int i = 0; i < 40; ++i)
        value += (i % 3 == 0 ? "word\t" : i % 3 == 1 ? "other  " : "x ");
    value += "end";
    const std::string out = folded("X-Words", value);
    expect_lines_within(out, 78);
    EXPECT_GT(std::count(out.begin(), out.end(), '\n'), 2);
    EXPECT_EQ(unfold(out), "X-Words: " + value);
}

TEST(HeaderFolder, UnfoldRemovesOnlyCrlf) {
    EXPECT_EQ(unfold("a\r\n b\r\n\tc"), "a b\tc");
    EXPECT_EQ(unfold("lone\rcr and lone\nlf"), "lone\rcr and lone\nlf");
}

TEST(HeaderFolder, ALineExactly78ColumnsIsNotFolded) {
    const std::string value = std::string(10, 'a') + " " + std::string(78 - 9 - 11, 'b');
    const std::string out = folded("Subject", value);
    EXPECT_EQ(out, "Subject: " + value + "\r\n");
    EXPECT_EQ(out.size() - 2, 78u);
    const std::string longer = folded("Subject", value + "b");
    EXPECT_EQ(longer, "Subject: " + std::string(10, 'a') + "\r\n " + std::string(59, 'b') + "\r\n");
}

TEST(HeaderFolder, AWordTooLongForAnyLineStaysWhole) {
    const std::string url = "<https://example.com/" + std::string(100, 'u') + ">";
    const std::string out = folded("List-Unsubscribe", url);
    EXPECT_EQ(out, "List-Unsubscribe: " + url + "\r\n");
    EXPECT_EQ(folded("X", "a " + url), "X: a\r\n " + url + "\r\n");
}

TEST(HeaderFolder, RoomOnLineCountsTheSeparatingSpace) {
    std::string out;
    HeaderFolder folder(out, "Subject");  // "Subject:" is 8 columns
    EXPECT_EQ(folder.room_on_line(), 78u - 9u);
    folder.word("abc");
    EXPECT_EQ(folder.room_on_line(), 78u - 13u);
    folder.fold();
    EXPECT_EQ(folder.room_on_line(), 77u);
    EXPECT_FALSE(folder.line_has_word());
}

}  // namespace
}  // namespace txmail::mail
