// Unpredictable tokens from OpenSSL's CSPRNG (RAND_bytes), for Message-IDs, MIME boundaries,
// idempotency keys and the like.
//
// random_token(n) returns 2n lowercase hex characters from n random bytes. If the CSPRNG cannot
// produce bytes (not seeded, a broken system), this throws std::runtime_error: that is a fault
// of the machine, not of the input, and nothing sensible can go on without randomness.
#pragma once

#include <cstddef>
#include <string>

namespace txmail {

std::string random_bytes(std::size_t count);
std::string random_token(std::size_t bytes = 16);

}  // namespace txmail
