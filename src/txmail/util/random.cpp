#include "txmail/util/random.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "txmail/util/hex.h"

namespace txmail {

std::string random_bytes(std::size_t count) {
    std::string out(count, '\0');
    if (count > 0 &&
        RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1)
        throw std::runtime_error("OpenSSL RAND_bytes failed: no randomness available");
    return out;
}

std::string random_token(std::size_t bytes) {
    return hex_encode(random_bytes(bytes));
}

}  // namespace txmail
