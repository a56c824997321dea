// A file's whole content, for tests that read fixtures; throws when it cannot be read, so a
// missing fixture fails its test loudly instead of comparing against "".
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace txmail::testing {

inline std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// tests/fixtures/stripe/<type>.json: a Stripe event as Stripe sends it.
inline std::string stripe_fixture(std::string_view type) {
    return read_text_file(std::string(TXMAIL_FIXTURES_DIR) + "/stripe/" + std::string(type) +
                          ".json");
}

}  // namespace txmail::testing
