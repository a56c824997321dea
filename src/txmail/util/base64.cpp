#include "txmail/util/base64.h"

#include <array>
#include <cstdint>

#include "txmail/util/hex.h"

namespace txmail {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::int8_t kSkip = -2;
constexpr std::int8_t kBad = -1;

constexpr std::array<std::int8_t, 256> make_decode_table() {
    std::array<std::int8_t, 256> table{};
    table.fill(kBad);
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    for (unsigned char c : {'\r', '\n', ' ', '\t'})
        table[c] = kSkip;
    return table;
}
constexpr auto kDecode = make_decode_table();

Error bad_input(std::string what) {
    return Error::invalid("base64", "invalid base64: " + std::move(what));
}

}  // namespace

void base64_encode_append(std::string_view bytes, std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + base64_encoded_size(bytes.size()));
    char* dst = out.data() + start;
    const auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    for (; n >= 3; n -= 3, src += 3) {
        const std::uint32_t v = (src[0] << 16) | (src[1] << 8) | src[2];
        *dst++ = kAlphabet[v >> 18];
        *dst++ = kAlphabet[(v >> 12) & 63];
        *dst++ = kAlphabet[(v >> 6) & 63];
        *dst++ = kAlphabet[v & 63];
    }
    if (n > 0) {
        const std::uint32_t v = (src[0] << 16) | (n == 2 ? src[1] << 8 : 0);
        *dst++ = kAlphabet[v >> 18];
        *dst++ = kAlphabet[(v >> 12) & 63];
        *dst++ = n == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        *dst++ = '=';
    }
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    base64_encode_append(bytes, out);
    return out;
}

Result<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3 + 3);
    std::uint32_t acc = 0;
    int have = 0;     // sextets in acc
    int padding = 0;  // '=' seen
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '=') {
            ++padding;
            continue;
        }
        const std::int8_t v = kDecode[c];
        if (v == kSkip)
            continue;
        if (v == kBad)
            return fail(bad_input("unexpected byte 0x" + hex_encode(text.substr(i, 1)) +
                                  " at offset " + std::to_string(i)));
        if (padding > 0)
            return fail(bad_input("data after padding at offset " + std::to_string(i)));
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        if (++have == 4) {
            out.push_back(static_cast<char>(acc >> 16));
            out.push_back(static_cast<char>(acc >> 8));
            out.push_back(static_cast<char>(acc));
            acc = 0;
            have = 0;
        }
    }
    if (have == 1)
        return fail(bad_input("truncated input (one character left over)"));
    // Padding is optional, but when present it must complete the last quantum exactly.
    if (padding != 0 && have + padding != 4)
        return fail(bad_input("wrong padding"));
    if (have == 2) {
        out.push_back(static_cast<char>(acc >> 4));
    } else if (have == 3) {
        out.push_back(static_cast<char>(acc >> 10));
        out.push_back(static_cast<char>(acc >> 2));
    }
    return out;
}

}  // namespace txmail
