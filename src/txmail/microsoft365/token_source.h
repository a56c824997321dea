// Where OAuth 2.0 bearer tokens come from (client credentials against the Microsoft identity
// platform in production, a stand-in endpoint in tests). Shared by every connection and thread:
// token() returns a cached token until shortly before expiry; invalidate() is called when the
// server rejects a token, so the next token() fetches a fresh one (refresh once, then retry).
#pragma once

#include <string>

#include "txmail/util/error.h"

namespace txmail::microsoft365 {

class TokenSource {
  public:
    virtual ~TokenSource() = default;
    // Errors carry the identity platform's own words (e.g. "AADSTS7000215: Invalid client secret")
    // and kind config for bad credentials, transient for network trouble. Never the secret.
    virtual Result<std::string> token() = 0;
    virtual void invalidate(const std::string& rejected_token) = 0;
};

}  // namespace txmail::microsoft365
