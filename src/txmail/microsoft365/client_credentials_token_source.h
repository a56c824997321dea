// OAuth 2.0 client credentials grant against the Microsoft identity platform (RFC 6749 section
// 4.4; Microsoft Learn "Microsoft identity platform and the OAuth 2.0 client credentials flow"):
// POST {token_url} with grant_type=client_credentials, client_id, client_secret and scope, form
// encoded; the answer is JSON {token_type: "Bearer", expires_in, access_token}.
//
// Tokens are cached and refreshed by TokenCache (token_cache.h); this file is the HTTP half and
// the reading of the answer. A refusal carries the identity platform's own words, e.g.
//   Error{kind=config, code=401, field="EMAIL_OAUTH2_CLIENT_SECRET",
//         reply="AADSTS7000215: Invalid client secret provided. ...",
//         message="the Microsoft identity platform refused the token request (invalid_client): "
//                 "AADSTS7000215: ..."}
// config for bad credentials or request (invalid_client, unauthorized_client, invalid_request...),
// transient for 5xx, 429, temporarily_unavailable and network trouble. The secret and tokens are
// never logged and never part of an Error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "txmail/microsoft365/http_client.h"
#include "txmail/microsoft365/oauth_settings.h"
#include "txmail/microsoft365/token_cache.h"

namespace txmail::microsoft365 {

// The form body of the token request, every value percent-encoded.
std::string token_request_body(const OAuthSettings& settings);

// Reads the token endpoint's answer (any status). `secret` is scrubbed from anything quoted.
Result<IssuedToken> parse_token_response(long status, std::string_view body,
                                         std::string_view secret = {});

class ClientCredentialsTokenSource final : public TokenSource {
  public:
    explicit ClientCredentialsTokenSource(
        OAuthSettings settings, TokenCache::Now now = [] { return TokenClock::now(); });

    Result<std::string> token() override { return cache_.token(); }
    void invalidate(const std::string& rejected_token) override {
        cache_.invalidate(rejected_token);
    }

    const OAuthSettings& settings() const { return settings_; }
    std::uint64_t fetches() const { return cache_.fetches(); }

  private:
    Result<IssuedToken> fetch();

    OAuthSettings settings_;
    HttpClient http_;  // used by one fetch at a time: TokenCache never runs two
    TokenCache cache_;
};

// One token source per (token URL, client, secret, scope) in this process, so every backend and
// connection built from the same settings shares its tokens. Kept alive by its users.
std::shared_ptr<ClientCredentialsTokenSource> shared_token_source(const OAuthSettings& settings);

}  // namespace txmail::microsoft365
