// SHA-256 (FIPS 180-4) through OpenSSL, as lowercase hex: a digest that stays the same across
// builds, machines and versions, for what is compared with a value stored earlier.
#pragma once

#include <string>
#include <string_view>

namespace txmail {

std::string sha256_hex(std::string_view bytes);

}  // namespace txmail
