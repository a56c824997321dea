#include "txmail/util/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "txmail/util/hex.h"

namespace txmail {

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // Fails only when OpenSSL cannot allocate or has no SHA-256: a fault of the machine.
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL EVP_Digest(SHA-256) failed");
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace txmail
