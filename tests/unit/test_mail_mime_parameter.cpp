#include "txmail/mail/mime_parameter.h"

#include <gtest/gtest.h>

#include <string>

namespace txmail::mail {
namespace {

std::string disposition(std::string_view filename) {
    std::string out;
    HeaderFolder folder(out, "Content-Disposition");
    folder.word("attachment;");
    append_filename_parameter(folder, filename);
    folder.finish();
    return out;
}

TEST(MimeParameter, ShortAsciiNameIsAQuotedString) {
    EXPECT_EQ(disposition("report.pdf"),
              "Content-Disposition: attachment; filename=\"report.pdf\"\r\n");
    EXPECT_EQ(disposition(R"(a "quoted" \ name.txt)"),
              "Content-Disposition: attachment; filename=\"a \\\"quoted\\\" \\\\ name.txt\"\r\n");
}

TEST(MimeParameter, NonAsciiNameUsesRfc2231) {
    EXPECT_EQ(disposition("R\xC3\xA9sum\xC3\xA9 \xE2\x82\xAC.pdf"),
              "Content-Disposition: attachment;\r\n"
              " filename*=utf-8''R%C3%A9sum%C3%A9%20%E2%82%AC.pdf\r\n");
    EXPECT_EQ(disposition("tab\there"),
              "Content-Disposition: attachment; filename*=utf-8''tab%09here\r\n");
}

TEST(MimeParameter, LongNamesBecomeContinuationsWithoutSplittingEscapes) {
    std::string name;
    for (int i = 0; i < 20; ++i)
        name +=
            "\xC3\x9C"
            "ber-";  // "Über-"
    name += ".txt";
    const std::string header = disposition(name);
    std::string joined;
    int section = 0;
    std::size_t start = header.find("\r\n") + 2;
    while (start < header.size()) {
        const std::size_t end = header.find("\r\n", start);
        std::string line = header.substr(start, end - start);
        EXPECT_LE(line.size(), 78u) << line;
        const std::string prefix =
            " filename*" + std::to_string(section) + "*=" + (section == 0 ? "utf-8''" : "");
        ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
        line = line.substr(prefix.size());
        if (line.ends_with(";"))
            line.pop_back();
        const std::size_t percent = line.rfind('%');
        EXPECT_TRUE(percent == std::string::npos || percent + 3 <= line.size()) << line;
        joined += line;
        ++section;
        start = end + 2;
    }
    EXPECT_GT(section, 2);
    std::string decoded;
    for (std::size_t i = 0; i < joined.size(); ++i) {
        if (joined[i] == '%') {
            decoded += static_cast<char>(std::stoi(joined.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            decoded += joined[i];
        }
    }
    EXPECT_EQ(decoded, name);
}

TEST(MimeParameter, LongAsciiNameAlsoUsesContinuations) {
    const std::string name(120, 'n');
    const std::string header = disposition(name);
    EXPECT_NE(header.find(" filename*0*=utf-8''nnn"), std::string::npos) << header;
    EXPECT_NE(header.find(" filename*1*=nnn"), std::string::npos) << header;
}

}  // namespace
}  // namespace txmail::mail
