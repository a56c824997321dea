// Word-at-a-time test used by the body encoders' fast paths: are all eight bytes printable ASCII
// (0x20-0x7e) other than '='? Such a run needs no escaping in quoted-printable and holds no line
// break, so it can be copied or skipped whole. Bit tricks from "Bit Twiddling Hacks" (S. Anderson):
// each test is exact as a yes/no answer, which is all that is asked.
#pragma once

#include <cstdint>
#include <cstring>

namespace txmail::mail {

inline bool is_plain_ascii_chunk(const unsigned char* bytes) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    std::uint64_t x;
    std::memcpy(&x, bytes, sizeof x);
    const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
    const std::uint64_t above_tilde = ((x + kOnes * (127 - 0x7e)) | x) & kHigh;
    const std::uint64_t equals = x ^ (kOnes * '=');
    const std::uint64_t has_equals = (equals - kOnes) & ~equals & kHigh;
    return (below_space | above_tilde | has_equals) == 0;
}

}  // namespace txmail::mail
