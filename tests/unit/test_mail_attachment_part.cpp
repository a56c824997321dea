#include "txmail/mail/attachment_part.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

TEST(AttachmentPart, ChecksContentTypeAndFilenameNamingTheAttachment) {
    EXPECT_TRUE(check_attachment({"a.pdf", "application/pdf", "x"}, 0).has_value());
    EXPECT_TRUE(check_attachment({"a.csv", "text/csv; charset=utf-8", "x"}, 0).has_value());
    EXPECT_TRUE(check_attachment({"", "", ""}, 0).has_value());
    for (std::string_view type : {"pdf", "application/", "/pdf", "appli cation/pdf",
                                  "text/csv; charset=\xC3\xA9", "text/plain\r\nBcc: x"}) {
        auto result = check_attachment({"a", std::string(type), ""}, 2);
        ASSERT_FALSE(result.has_value()) << type;
        EXPECT_EQ(result.error().field, "attachments[2].content_type");
    }
    for (std::string_view composite : {"message/rfc822", "Multipart/mixed; boundary=x"}) {
        auto result = check_attachment({"a.eml", std::string(composite), ""}, 0);
        ASSERT_FALSE(result.has_value()) << composite;
        EXPECT_NE(result.error().message.find("composite"), std::string::npos);
    }
    EXPECT_TRUE(check_attachment({"a", "messages/x", ""}, 0).has_value());
    auto injected = check_attachment({"a\r\nb.txt", "", ""}, 1);
    ASSERT_FALSE(injected.has_value());
    EXPECT_EQ(injected.error().field, "attachments[1].filename");
    EXPECT_EQ(check_attachment({"\xFF.txt", "", ""}, 0).error().field, "attachments[0].filename");
}

TEST(AttachmentPart, WritesHeadersAndBase64Body) {
    std::string out;
    append_attachment_part(out, {"report.pdf", "application/pdf", "%PDF"});
    EXPECT_EQ(out,
              "Content-Type: application/pdf\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
              "\r\n"
              "JVBERg==");
    out.clear();
    append_attachment_part(out, {"", "", "x"});
    EXPECT_EQ(out,
              "Content-Type: application/octet-stream\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "Content-Disposition: attachment\r\n"
              "\r\n"
              "eA==");
}

}  // namespace
}  // namespace txmail::mail
