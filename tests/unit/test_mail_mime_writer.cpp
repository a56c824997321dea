#include "txmail/mail/mime_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace txmail::mail {
namespace {

Message basic() {
    Message message;
    message.from = {"Boritrade [DEVSERVER]", "noreply", "boritrade.net"};
    message.to = {{"Jane Doe", "jane", "example.com"}};
    message.subject = "Welcome";
    message.text = "Hello Jane,\nwelcome.\n";
    message.message_id = "fixed@boritrade.net";
    message.date = std::chrono::system_clock::time_point(std::chrono::seconds(1772532000));
    return message;
}

std::string rendered(const Message& message) {
    auto bytes = render(message);
    EXPECT_TRUE(bytes.has_value()) << bytes.error().message;
    return bytes.value_or("");
}

Error rejected(const Message& message) {
    auto bytes = render(message);
    EXPECT_FALSE(bytes.has_value()) << "rendered:\n" << bytes.value_or("");
    return bytes ? Error{} : bytes.error();
}

std::string headers_of(const std::string& bytes) {
    return bytes.substr(0, bytes.find("\r\n\r\n") + 2);
}

// The boundary declared by the first Content-Type: multipart/... in text.
std::string boundary_after(const std::string& bytes, std::string_view subtype) {
    const std::size_t type = bytes.find("Content-Type: multipart/" + std::string(subtype));
    const std::size_t start = bytes.find("boundary=\"", type) + 10;
    return bytes.substr(start, bytes.find('"', start) - start);
}

void expect_wire_form(const std::string& bytes) {
    std::size_t start = 0;
    while (start < bytes.size()) {
        const std::size_t end = bytes.find("\r\n", start);
        ASSERT_NE(end, std::string::npos) << "no CRLF at the end";
        const std::string line = bytes.substr(start, end - start);
        EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << "bare CR or LF";
        EXPECT_LE(line.size(), 998u);
        start = end + 2;
    }
    for (unsigned char c : bytes)
        ASSERT_LT(c, 0x80) << "non-ASCII byte on the wire";
}

TEST(MimeWriter, TextOnlyMessageExactly) {
    EXPECT_EQ(rendered(basic()),
              "From: \"Boritrade [DEVSERVER]\" <noreply@boritrade.net>\r\n"
              "To: Jane Doe <jane@example.com>\r\n"
              "Subject: Welcome\r\n"
              "Date: Tue, 03 Mar 2026 10:00:00 +0000\r\n"
              "Message-ID: <fixed@boritrade.net>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "Hello Jane,\r\n"
              "welcome.\r\n");
}

TEST(MimeWriter, TextAndHtmlAreAlternativeTextFirst) {
    Message message = basic();
    message.html = "<p>Hello <b>Jane</b></p>";
    const std::string bytes = rendered(message);
    expect_wire_form(bytes);
    const std::string boundary = boundary_after(bytes, "alternative");
    EXPECT_EQ(boundary.rfind("=_", 0), 0u);
    const std::string body = bytes.substr(bytes.find("\r\n\r\n") + 4);
    EXPECT_EQ(body, "--" + boundary +
                        "\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 7bit\r\n\r\n"
                        "Hello Jane,\r\nwelcome.\r\n\r\n"
                        "--" +
                        boundary +
                        "\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 7bit\r\n\r\n"
                        "<p>Hello <b>Jane</b></p>\r\n"
                        "--" +
                        boundary + "--\r\n");
}

TEST(MimeWriter, AttachmentsWrapTheBodyInMixed) {
    Message message = basic();
    message.html = "<p>Hi</p>";
    message.attachments = {{"a.bin", "application/octet-stream", std::string("\0\1\2", 3)},
                           {"b.txt", "text/plain", "b"}};
    const std::string bytes = rendered(message);
    expect_wire_form(bytes);
    const std::string mixed = boundary_after(bytes, "mixed");
    const std::string alternative = boundary_after(bytes, "alternative");
    EXPECT_NE(mixed, alternative);
    EXPECT_LT(bytes.find("multipart/mixed"), bytes.find("multipart/alternative"));
    EXPECT_NE(bytes.find("filename=\"a.bin\"\r\n\r\nAAEC\r\n--" + mixed + "\r\n"),
              std::string::npos);
    EXPECT_TRUE(bytes.ends_with("Yg==\r\n--" + mixed + "--\r\n")) << bytes;
    EXPECT_NE(bytes.find("--" + alternative + "--\r\n--" + mixed + "\r\n"), std::string::npos);
}

TEST(MimeWriter, BccNeverAppearsButIsInTheEnvelope) {
    Message message = basic();
    message.cc = {{"", "carol", "example.com"}};
    message.bcc = {{"Secret", "hidden", "example.org"}, {"", "JANE", "Example.com"}};
    auto prepared = prepare(message);
    ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
    EXPECT_EQ(prepared->bytes.find("hidden"), std::string::npos);
    EXPECT_EQ(prepared->bytes.find("Bcc"), std::string::npos);
    EXPECT_NE(headers_of(prepared->bytes).find("Cc: carol@example.com\r\n"), std::string::npos);
    EXPECT_EQ(prepared->envelope.sender, "noreply@boritrade.net");
    EXPECT_EQ(prepared->envelope.recipients,
              (std::vector<std::string>{"jane@example.com", "carol@example.com",
                                        "hidden@example.org", "JANE@Example.com"}));
    EXPECT_EQ(prepared->message_id, "fixed@boritrade.net");
    EXPECT_EQ(prepared->subject, "Welcome");
}

TEST(MimeWriter, PrepareConvertsUnicodeDomainsAndNeedsARecipient) {
    Message message = basic();
    message.from = {"", "shop",
                    "b\xC3\xBC"
                    "cher.de"};
    message.message_id.reset();
    message.to = {{"", "info", "\xC3\xA6r\xC3\xB8.dk"}};
    auto prepared = prepare(message);
    ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
    EXPECT_EQ(prepared->envelope.sender, "shop@xn--bcher-kva.de");
    EXPECT_EQ(prepared->envelope.recipients, std::vector<std::string>{"info@xn--r-3fa9c.dk"});
    EXPECT_TRUE(prepared->message_id.ends_with("@xn--bcher-kva.de"));
    EXPECT_NE(prepared->bytes.find("To: info@xn--r-3fa9c.dk\r\n"), std::string::npos);

    message.to.clear();
    auto none = prepare(message);
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().field, "to");
}

TEST(MimeWriter, GeneratesDistinctMessageIdsAndADate) {
    Message message = basic();
    message.message_id.reset();
    message.date.reset();
    const std::string a = rendered(message), b = rendered(message);
    const auto id = [](const std::string& bytes) {
        const std::size_t start = bytes.find("Message-ID: <") + 13;
        return bytes.substr(start, bytes.find('>', start) - start);
    };
    EXPECT_NE(id(a), id(b));
    EXPECT_TRUE(id(a).ends_with("@boritrade.net"));
    EXPECT_NE(a.find("Date: "), std::string::npos);
    EXPECT_NE(a.find(" +0000\r\n"), std::string::npos);
}

TEST(MimeWriter, NonAsciiSubjectIsEncodedAndFolded) {
    Message message = basic();
    message.subject =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xF0\x9F\x93\xA8 " +
        std::string(100, 'x');
    const std::string headers = headers_of(rendered(message));
    EXPECT_NE(headers.find("Subject: =?utf-8?"), std::string::npos);
    std::size_t start = 0;
    for (std::size_t end; (end = headers.find("\r\n", start)) != std::string::npos; start = end + 2)
        EXPECT_LE(end - start, 78u) << headers.substr(start, end - start);
}

TEST(MimeWriter, SinglePartEndings) {
    Message message = basic();
    message.text = "no newline";
    EXPECT_TRUE(rendered(message).ends_with("\r\n\r\nno newline\r\n"));
    message.text = "caf\xC3\xA9 au lait, s'il vous pla\xC3\xAEt";
    // Quoted-printable: a soft break ends the message without adding a newline to the text.
    EXPECT_TRUE(
        rendered(message).ends_with("\r\n\r\ncaf=C3=A9 au lait, s'il vous pla=C3=AEt=\r\n"));
    message.text = "";
    EXPECT_TRUE(rendered(message).ends_with("7bit\r\n\r\n"));
}

TEST(MimeWriter, LongLinesAndHardBodiesStayWithin998) {
    Message message = basic();
    message.text = std::string(5000, 'x') + "\n.\nFrom me\n \t \n" + std::string(3000, '=');
    message.html = "<p>" + std::string(2000, 'y') + "\xC3\xA9</p>";
    const std::string bytes = rendered(message);
    expect_wire_form(bytes);
    EXPECT_NE(bytes.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
}

TEST(MimeWriter, BoundaryDoesNotOccurInTheContent) {
    Message message = basic();
    message.text = "=_ looks like a boundary prefix\n--=_\n";
    message.html = "<p>=_=_</p>";
    const std::string bytes = rendered(message);
    const std::string boundary = boundary_after(bytes, "alternative");
    EXPECT_EQ(message.text.find(boundary), std::string::npos);
    // Exactly three delimiter lines: two openings and the close.
    std::size_t count = 0;
    for (std::size_t pos = 0; (pos = bytes.find("--" + boundary, pos)) != std::string::npos; ++pos)
        ++count;
    EXPECT_EQ(count, 3u);
}

TEST(MimeWriter, ExtraHeadersAreWrittenAndChecked) {
    Message message = basic();
    message.headers = {{"X-Campaign", "welcome"},
                       {"List-Unsubscribe", "<https://boritrade.net/u?t=abc>"},
                       {"X-Note",
                        "Gr\xC3\xBC\xC3\x9F"
                        "e aus Berlin und Hamburg"}};
    const std::string headers = headers_of(rendered(message));
    EXPECT_NE(headers.find("X-Campaign: welcome\r\n"), std::string::npos);
    EXPECT_NE(headers.find("List-Unsubscribe: <https://boritrade.net/u?t=abc>\r\n"),
              std::string::npos);
    EXPECT_NE(headers.find("X-Note: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin_und_Hamburg?=\r\n"),
              std::string::npos);

    message.headers = {{"X-Tag", "a\r\nBcc: x@example.com"}};
    EXPECT_EQ(rejected(message).field, "headers.X-Tag");
    message.headers = {{"Content-Type", "text/html"}};
    EXPECT_EQ(rejected(message).field, "headers.Content-Type");
    message.headers = {{"bcc", "x@example.com"}};
    EXPECT_EQ(rejected(message).field, "headers.bcc");
    message.headers = {{"Bad Name", "x"}};
    EXPECT_EQ(rejected(message).field, "headers");
    message.headers = {{"X-Long", std::string(950, 'w')}};
    EXPECT_EQ(rejected(message).field, "headers.X-Long");
}

// Each case breaks one member of an otherwise valid message; the error must name that member.
struct Broken {
    std::string_view field;
    void (*breaks)(Message&);
};

void expect_rejections(std::initializer_list<Broken> cases) {
    for (const Broken& c : cases) {
        Message message = basic();
        c.breaks(message);
        EXPECT_EQ(rejected(message).field, c.field);
    }
}

TEST(MimeWriter, InjectionAnywhereIsRejectedNamingTheField) {
    expect_rejections({
        {"subject", [](Message& m) { m.subject = "Hi\r\nBcc: x@example.com"; }},
        {"to",
         [](Message& m) {
             m.to.push_back({"Eve\nBcc: x@example.com", "eve", "example.com"});
         }},
        {"reply_to",
         [](Message& m) {
             m.reply_to = {{"", "r", "example.com\r\nX: y"}};
         }},
        {"from", [](Message& m) { m.from.display_name = std::string("nul\0", 4); }},
        {"attachments[0].filename",
         [](Message& m) {
             m.attachments = {{"x\n.txt", "", ""}};
         }},
        {"message_id", [](Message& m) { m.message_id = "a@b>\r\nBcc: x"; }},
    });
}

TEST(MimeWriter, RejectsMissingSenderAndInvalidUtf8) {
    expect_rejections({
        {"from", [](Message& m) { m.from = {}; }},
        {"text", [](Message& m) { m.text = "bad \xFF"; }},
        {"html", [](Message& m) { m.html = "bad \xC3"; }},
        {"subject", [](Message& m) { m.subject = "\xE2\x82"; }},
    });
}

}  // namespace
}  // namespace txmail::mail
