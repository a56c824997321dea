#include "txmail/util/sha256.h"

#include <gtest/gtest.h>

namespace txmail {
namespace {

// FIPS 180-4's examples (NIST's "SHA256.pdf"): the empty message, "abc", and 448 bits.
TEST(Sha256, GivesTheStandardsDigestsInLowercaseHex) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, ReadsEveryByteIncludingZeros) {
    EXPECT_NE(sha256_hex(std::string_view("a\0b", 3)), sha256_hex(std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace txmail
