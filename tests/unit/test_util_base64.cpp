#include "txmail/util/base64.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, EncodesXoauth2InitialResponse) {
    // The example from Microsoft's XOAUTH2 documentation.
    EXPECT_EQ(base64_encode("user=test@contoso.onmicrosoft.com\x01"
                            "auth=Bearer EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA\x01\x01"),
              "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFv"
              "N0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==");
}

TEST(Base64, AppendKeepsExistingContent) {
    std::string out = "prefix:";
    base64_encode_append("foobar", out);
    EXPECT_EQ(out, "prefix:Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteValueAtEveryLength) {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    for (std::size_t n = 0; n <= bytes.size(); ++n) {
        const auto input = std::string_view(bytes).substr(0, n);
        const auto encoded = base64_encode(input);
        EXPECT_EQ(encoded.size(), base64_encoded_size(n));
        auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
        EXPECT_EQ(*decoded, input);
    }
}

TEST(Base64, DecodeSkipsMimeLineBreaksAndAcceptsMissingPadding) {
    EXPECT_EQ(base64_decode("Zm9v\r\nYmFy\r\n").value(), "foobar");
    EXPECT_EQ(base64_decode("Zm9vYg").value(), "foob");
    EXPECT_EQ(base64_decode("Zm9vYmE").value(), "fooba");
}

TEST(Base64, DecodeRejectsBytesOutsideTheAlphabetNamingTheOffset) {
    auto r = base64_decode("Zm9v*mFy");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().field, "base64");
    EXPECT_NE(r.error().message.find("0x2a"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("offset 4"), std::string::npos) << r.error().message;
    // URL-safe alphabet is a different encoding (RFC 4648 section 5), not accepted here.
    EXPECT_FALSE(base64_decode("-_-_").has_value());
}

TEST(Base64, DecodeRejectsMalformedPadding) {
    EXPECT_FALSE(base64_decode("Zg=").has_value());
    EXPECT_FALSE(base64_decode("Zm9v=").has_value());
    EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());
    EXPECT_FALSE(base64_decode("Z").has_value());
    EXPECT_FALSE(base64_decode("Zm9vY").has_value());
}

}  // namespace
}  // namespace txmail
