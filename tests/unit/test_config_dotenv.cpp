#include "txmail/config/dotenv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include "support/temp_directory.h"

namespace txmail::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<DotenvEntry> parse_ok(std::string_view text) {
    auto entries = parse_dotenv(text, ".env");
    EXPECT_TRUE(entries.has_value()) << entries.error().describe();
    return entries.value_or(std::vector<DotenvEntry>{});
}

std::string value_of(std::string_view text) {
    auto entries = parse_ok(text);
    EXPECT_EQ(entries.size(), 1u);
    return entries.empty() ? "<none>" : entries.front().value;
}

Error parse_error(std::string_view text) {
    auto entries = parse_dotenv(text, "/srv/app/.env");
    EXPECT_FALSE(entries.has_value());
    return entries ? Error{} : entries.error();
}

TEST(Dotenv, KeyValueLinesWithCommentsAndBlankLines) {
    auto entries = parse_ok(
        "# delivery\n"
        "\n"
        "EMAIL_HOST=smtp.office365.com\n"
        "   \n"
        "EMAIL_PORT = 587\n"
        "export EMAIL_USE_TLS=True\n");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].name, "EMAIL_HOST");
    EXPECT_EQ(entries[0].value, "smtp.office365.com");
    EXPECT_EQ(entries[0].line, 3);
    EXPECT_EQ(entries[1].name, "EMAIL_PORT");
    EXPECT_EQ(entries[1].value, "587");
    EXPECT_EQ(entries[1].line, 5);
    EXPECT_EQ(entries[2].name, "EMAIL_USE_TLS");
    EXPECT_EQ(entries[2].value, "True");
}

TEST(Dotenv, UnquotedValuesAreTrimmedAndLoseTrailingComments) {
    EXPECT_EQ(value_of("A=  spaced value  \n"), "spaced value");
    EXPECT_EQ(value_of("A=value # a comment\n"), "value");
    EXPECT_EQ(value_of("A=pa#ss\n"), "pa#ss");  // no blank before '#': part of the value
    EXPECT_EQ(value_of("A=\n"), "");
    EXPECT_EQ(value_of("A="), "");
    EXPECT_EQ(value_of("A=x=y"), "x=y");
}

TEST(Dotenv, CrlfLineEndings) {
    auto entries = parse_ok("A=1\r\nB='two'\r\nC=\"three\"\r\n");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].value, "1");
    EXPECT_EQ(entries[1].value, "two");
    EXPECT_EQ(entries[2].value, "three");
    EXPECT_EQ(entries[2].line, 3);
}

TEST(Dotenv, SingleQuotesAreLiteral) {
    EXPECT_EQ(value_of(R"(A='a "b" \n $HOME # not a comment')"),
              R"(a "b" \n $HOME # not a comment)");
    EXPECT_EQ(value_of("A='x' # comment"), "x");
}

TEST(Dotenv, DoubleQuotesDecodePythonDotenvEscapes) {
    EXPECT_EQ(value_of(R"(A="line1\nline2\ttab \"q\" \'s\' back\\slash")"),
              "line1\nline2\ttab \"q\" 's' back\\slash");
    EXPECT_EQ(value_of(R"(A="C:\path\x")"), R"(C:\path\x)");  // unknown escapes kept
    EXPECT_EQ(value_of(R"(A="$NOT_EXPANDED")"), "$NOT_EXPANDED");
}

TEST(Dotenv, QuotedValuesMaySpanLinesAndLineNumbersFollow) {
    auto entries = parse_ok("KEY=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\n");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].value, "-----BEGIN-----\nabc\n-----END-----");
    EXPECT_EQ(entries[1].name, "NEXT");
    EXPECT_EQ(entries[1].line, 4);
}

TEST(Dotenv, ByteOrderMarkIsIgnored) {
    auto entries = parse_ok(
        "\xEF\xBB\xBF"
        "A=1\n");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "A");
}

TEST(Dotenv, ExportAsANameIsAName) {
    auto entries = parse_ok("export=1\n");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "export");
}

TEST(Dotenv, LineWithoutEqualsNamesFileAndLineButNotTheContent) {
    Error e = parse_error("A=1\n\nEMAIL_HOST_PASSWORD hunter2\n");
    EXPECT_EQ(e.kind, ErrorKind::config);
    EXPECT_THAT(e.message, HasSubstr("/srv/app/.env line 3"));
    EXPECT_THAT(e.message, Not(HasSubstr("hunter2")));

    e = parse_error("A=1\nhunter2\n");
    EXPECT_THAT(e.message, HasSubstr("line 2"));
    EXPECT_THAT(e.message, HasSubstr("no '='"));
    EXPECT_THAT(e.message, Not(HasSubstr("hunter2")));
}

TEST(Dotenv, BadNamesAreErrors) {
    EXPECT_THAT(parse_error("1ABC=x\n").message, HasSubstr("line 1: expected a name"));
    EXPECT_THAT(parse_error("MY-KEY=x\n").message, HasSubstr("line 1"));
    EXPECT_THAT(parse_error("=x\n").message, HasSubstr("line 1"));
}

TEST(Dotenv, UnterminatedQuoteNamesTheLineWhereItStarted) {
    EXPECT_THAT(parse_error("A=1\nB=\"open\nC=2\n").message,
                HasSubstr("line 2: unterminated double-quoted value"));
    EXPECT_THAT(parse_error("B='open").message,
                HasSubstr("line 1: unterminated single-quoted value"));
}

TEST(Dotenv, TextAfterClosingQuoteIsAnError) {
    EXPECT_THAT(parse_error("A=\"x\" y\n").message,
                HasSubstr("line 1: unexpected text after the closing quote"));
}

TEST(Dotenv, MissingFileIsEmptyDirectoryIsAnError) {
    auto missing = read_dotenv("/nonexistent/dir/.env");
    ASSERT_TRUE(missing.has_value());
    EXPECT_TRUE(missing->empty());

    auto directory = read_dotenv(std::filesystem::temp_directory_path());
    ASSERT_FALSE(directory.has_value());
    EXPECT_EQ(directory.error().kind, ErrorKind::config);
}

TEST(Dotenv, ReadsAFile) {
    testing::TempDirectory dir;
    auto path = dir.write(".env", "SITE_NAME='Boritrader [DEV]'\nBROKEN\n");
    auto entries = read_dotenv(path);
    ASSERT_FALSE(entries.has_value());
    EXPECT_THAT(entries.error().message, HasSubstr(path.string() + " line 2"));
}

}  // namespace
}  // namespace txmail::config
